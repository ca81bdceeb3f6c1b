"""Bootstrap machinery shared by the intervals and the paired comparison (numpy, lazily)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, TypeAlias, TypeGuard

if TYPE_CHECKING:
    import numpy as np

Groups: TypeAlias = Mapping[str, Sequence[float | None]] | Sequence[Sequence[float | None]]
Counts: TypeAlias = Mapping[str, tuple[int, int]] | Sequence[tuple[int, int]]

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20240601
CHUNK_ELEMENTS = 2_000_000  # bound on one bootstrap chunk's array, to keep memory flat


VALUES_SHAPE = (
    "values per task: a mapping {task: [value, ...]} or a sequence of per-task lists "
    "[[value, ...], ...], each value a number or None"
)
COUNTS_SHAPE = (
    "(n, c) per task: a mapping {task: (n, c)} or a sequence [(n, c), ...], with n samples "
    "of which c passed"
)


def _is_list(value: object) -> TypeGuard[Iterable[object]]:
    """A sequence or a numpy array, but not a string or a mapping."""
    if isinstance(value, str | bytes | Mapping):
        return False
    return isinstance(value, Sequence) or hasattr(value, "__array__")


def _per_task(data: object, shape: str, where: str) -> list[tuple[str, object]]:
    """(task key, item) for every task of a mapping or a sequence, tasks in a stable order."""
    if isinstance(data, Mapping):
        return [(str(key), data[key]) for key in sorted(data, key=str)]
    if _is_list(data):
        return [(str(index), item) for index, item in enumerate(data)]
    raise ValueError(f"{where}: expected {shape}; got a {type(data).__name__}")


def _wrong(where: str, shape: str, key: str, item: object) -> ValueError:
    return ValueError(f"{where}: expected {shape}; task {key!r} holds {item!r:.60}")


def task_groups(values: Groups, where: str = "values") -> list[tuple[str, list[float]]]:
    """(task key, values without None) for every task, tasks in a stable order.

    Raises:
        ValueError: `values` is not shaped as `VALUES_SHAPE` says (the message says so).
    """
    groups = []
    for key, group in _per_task(values, VALUES_SHAPE, where):
        items = list(group) if _is_list(group) else [key]  # a str: refused below
        numbers = [float(v) for v in items if isinstance(v, Real)]
        if len(numbers) + sum(v is None for v in items) != len(items):
            raise _wrong(where, VALUES_SHAPE, key, group)
        groups.append((key, numbers))
    return groups


def task_counts(counts: Counts, where: str = "counts") -> list[tuple[int, int]]:
    """(n, c) for every task, tasks in a stable order (a mapping's in sorted order of keys).

    Raises:
        ValueError: `counts` is not shaped as `COUNTS_SHAPE` says (the message says so).
    """
    pairs = []
    for key, pair in _per_task(counts, COUNTS_SHAPE, where):
        items = list(pair) if _is_list(pair) else []
        numbers = [int(x) for x in items if isinstance(x, Integral) and not isinstance(x, bool)]
        if len(items) != 2 or len(numbers) != 2:
            raise _wrong(where, COUNTS_SHAPE, key, pair)
        pairs.append((numbers[0], numbers[1]))
    return pairs


def generator(seed: int) -> np.random.Generator:
    """The default numpy generator (PCG64), seeded: the same seed gives the same report."""
    import numpy as np

    return np.random.default_rng(seed)


def chunk_sizes(resamples: int, tasks: int, width: int) -> list[int]:
    """Sizes of the chunks the resamples are drawn in, each under `CHUNK_ELEMENTS` numbers."""
    step = max(1, CHUNK_ELEMENTS // max(1, tasks * width))
    return [min(step, resamples - start) for start in range(0, resamples, step)]


def binomial_cdf(sizes: list[int], passed: list[int], width: int) -> np.ndarray:
    """Row i: P(X <= j) for X ~ Binomial(sizes[i], passed[i] / sizes[i]), j = 0..width."""
    import numpy as np

    table = np.ones((len(sizes), width + 1))
    for row, (n, c) in enumerate(zip(sizes, passed, strict=True)):
        share = c / n
        pmf = [math.comb(n, j) * share**j * (1 - share) ** (n - j) for j in range(n + 1)]
        table[row, :n] = np.cumsum(pmf)[:n]  # P(X <= n) is 1 exactly, whatever the rounding
    return table


def draw_counts(cdf: np.ndarray, picks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One binomial draw per picked task, by inverting its cumulative distribution."""
    import numpy as np

    uniform = rng.random(picks.shape)
    counts: np.ndarray = np.count_nonzero(uniform[..., None] >= cdf[picks], axis=-1)
    return counts


class TaskSamples:
    """Per-task values as arrays, prepared once for many bootstrap draws."""

    def __init__(self, groups: list[list[float]]) -> None:
        import numpy as np

        self.sizes = np.array([len(g) for g in groups])
        self.means = np.array([sum(g) / len(g) for g in groups])
        self.binary = all(v in (0.0, 1.0) for g in groups for v in g)
        self.width = int(self.sizes.max())
        if self.binary:
            passed = [int(sum(g)) for g in groups]
            self.cdf = binomial_cdf(self.sizes.tolist(), passed, self.width)
        self.ragged = bool((self.sizes != self.width).any())
        self.padded = np.zeros((len(groups), self.width))
        for row, group in enumerate(groups):
            self.padded[row, : len(group)] = group

    def resampled_means(
        self, picks: np.ndarray, rng: np.random.Generator, within_tasks: bool
    ) -> np.ndarray:
        """Mean of each picked task's values, redrawn with replacement within it if asked."""
        import numpy as np

        means: np.ndarray
        if not within_tasks:
            means = self.means[picks]
            return means
        sizes = self.sizes[picks]
        if self.binary:
            # Redrawing m binary values with replacement is drawing Binomial(m, their mean).
            means = draw_counts(self.cdf, picks, rng) / sizes
            return means
        shape = (*picks.shape, self.width)
        if not self.ragged:
            draws = rng.integers(0, self.width, size=shape, dtype=np.int32)
            means = self.padded[picks[..., None], draws].mean(axis=-1)
            return means
        draws = (rng.random(shape) * sizes[..., None]).astype(np.int32)
        used = np.arange(self.width) < sizes[..., None]
        means = np.where(used, self.padded[picks[..., None], draws], 0.0).sum(axis=-1) / sizes
        return means


def bootstrap_means(
    groups: list[list[float]], resamples: int, seed: int, within_tasks: bool
) -> np.ndarray:
    """The macro average of each bootstrap resample of the tasks."""
    import numpy as np

    rng = generator(seed)
    samples = TaskSamples(groups)
    width = samples.width if within_tasks else 1
    out = []
    for size in chunk_sizes(resamples, len(groups), width):
        picks = rng.integers(0, len(groups), size=(size, len(groups)))
        out.append(samples.resampled_means(picks, rng, within_tasks).mean(axis=1))
    return np.concatenate(out)


def percentile_interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    """The percentile interval of the bootstrap draws."""
    import numpy as np

    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)


def check_options(level: float, resamples: int) -> None:
    """Raise ValueError unless 0 < level < 1 and resamples >= 1."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
