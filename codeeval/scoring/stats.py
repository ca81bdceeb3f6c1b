"""Aggregates over tasks with honest error bars: pass@k tables, bootstrap intervals, paired tests.

Per-sample values come grouped by task, as a mapping `task id -> values of its samples` (or a
sequence of such groups, aligned by position). None marks a value that could not be computed:
it is left out, and a task left with no value is left out of that aggregate. Every aggregate
is a macro average: the mean over tasks of each task's mean over its samples, so every task
weighs the same whatever its number of samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from codeeval.scoring.passk import pass_at_k

if TYPE_CHECKING:
    import numpy as np

Groups: TypeAlias = Mapping[str, Sequence[float | None]] | Sequence[Sequence[float | None]]

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20240601
_CHUNK_ELEMENTS = 2_000_000  # bound on one bootstrap chunk's array, to keep memory flat


@dataclass(frozen=True, slots=True)
class Estimate:
    """An aggregate with its confidence interval: `value` in [`low`, `high`] at `level`."""

    value: float
    low: float
    high: float
    level: float = 0.95
    tasks: int = 0

    @property
    def half_width(self) -> float:
        """Half the interval's width, as shown in `0.82 ± 0.04`."""
        return (self.high - self.low) / 2


@dataclass(frozen=True, slots=True)
class Comparison:
    """Model A against model B on the same tasks: `difference` = A - B, with its interval.

    `p_value` is two-sided, for the hypothesis that the models do equally well; `significant`
    is `p_value < 1 - level`. `method` names the test: "paired bootstrap" or "exact McNemar".
    """

    difference: float
    low: float
    high: float
    p_value: float
    significant: bool
    method: str
    tasks: int
    level: float = 0.95


def _groups(values: Groups) -> list[tuple[str, list[float]]]:
    """(task key, values without None) for every task, tasks in a stable order."""
    if isinstance(values, Mapping):
        items = [(str(key), values[key]) for key in sorted(values, key=str)]
    else:
        items = [(str(index), group) for index, group in enumerate(values)]
    return [(key, [float(v) for v in group if v is not None]) for key, group in items]


def mean_of_means(values: Groups) -> float | None:
    """The macro average: the mean over tasks of each task's mean over its samples.

    Args:
        values: Per-task sample values; None values are left out.

    Returns:
        The average, or None when no task has a value.
    """
    means = [sum(group) / len(group) for _, group in _groups(values) if group]
    return sum(means) / len(means) if means else None


def pass_at_k_table(
    counts: Sequence[tuple[int, int]], ks: Iterable[int] | None = None
) -> dict[int, float]:
    """pass@k averaged over tasks, for each k.

    Definition: `mean over tasks i of pass_at_k(n_i, c_i, k)`, where task i had n_i samples
    of which c_i passed.

    Args:
        counts: (n, c) for each task.
        ks: The budgets to report; by default every k from 1 to the smallest n.

    Returns:
        `{k: pass@k}`, in increasing k; empty when there are no tasks.

    Raises:
        ValueError: If a k exceeds some task's number of samples, or a count is invalid.
    """
    if not counts:
        return {}
    fewest = min(n for n, _ in counts)
    wanted = sorted(set(ks)) if ks is not None else list(range(1, fewest + 1))
    for k in wanted:
        if not 1 <= k <= fewest:
            raise ValueError(f"pass@{k} needs 1 <= k <= {fewest}, the fewest samples of a task")
    return {k: sum(pass_at_k(n, c, k) for n, c in counts) / len(counts) for k in wanted}


def _rng(seed: int) -> np.random.Generator:
    import numpy as np

    return np.random.default_rng(seed)


def _chunks(resamples: int, tasks: int, width: int) -> list[int]:
    """Sizes of the chunks the resamples are drawn in, each under `_CHUNK_ELEMENTS` numbers."""
    step = max(1, _CHUNK_ELEMENTS // max(1, tasks * width))
    return [min(step, resamples - start) for start in range(0, resamples, step)]


def _binomial_cdf(sizes: list[int], passed: list[int], width: int) -> np.ndarray:
    """Row i: P(X <= j) for X ~ Binomial(sizes[i], passed[i] / sizes[i]), j = 0..width."""
    import numpy as np

    table = np.ones((len(sizes), width + 1))
    for row, (n, c) in enumerate(zip(sizes, passed, strict=True)):
        share = c / n
        pmf = [math.comb(n, j) * share**j * (1 - share) ** (n - j) for j in range(n + 1)]
        table[row, :n] = np.cumsum(pmf)[:n]  # P(X <= n) is 1 exactly, whatever the rounding
    return table


def _draw_counts(cdf: np.ndarray, picks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One binomial draw per picked task, by inverting its cumulative distribution."""
    import numpy as np

    uniform = rng.random(picks.shape)
    counts: np.ndarray = np.count_nonzero(uniform[..., None] >= cdf[picks], axis=-1)
    return counts


class _Samples:
    """Per-task values as arrays, prepared once for many bootstrap draws."""

    def __init__(self, groups: list[list[float]]) -> None:
        import numpy as np

        self.sizes = np.array([len(g) for g in groups])
        self.means = np.array([sum(g) / len(g) for g in groups])
        self.binary = all(v in (0.0, 1.0) for g in groups for v in g)
        self.width = int(self.sizes.max())
        if self.binary:
            passed = [int(sum(g)) for g in groups]
            self.cdf = _binomial_cdf(self.sizes.tolist(), passed, self.width)
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
            means = _draw_counts(self.cdf, picks, rng) / sizes
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


def _bootstrap_means(
    groups: list[list[float]], resamples: int, seed: int, within_tasks: bool
) -> np.ndarray:
    """The macro average of each bootstrap resample of the tasks."""
    import numpy as np

    rng = _rng(seed)
    samples = _Samples(groups)
    width = samples.width if within_tasks else 1
    out = []
    for size in _chunks(resamples, len(groups), width):
        picks = rng.integers(0, len(groups), size=(size, len(groups)))
        out.append(samples.resampled_means(picks, rng, within_tasks).mean(axis=1))
    return np.concatenate(out)


def _interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    """The percentile interval of the bootstrap draws."""
    import numpy as np

    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)


def _check_options(level: float, resamples: int) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")


def bootstrap_ci(
    values: Groups,
    *,
    level: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    within_tasks: bool = True,
) -> Estimate | None:
    """The macro average of per-sample values, with a percentile bootstrap interval.

    Definition: `value` is `mean_of_means(values)`. Each of `resamples` bootstrap replicates
    draws T tasks with replacement from the T tasks that have a value and, when
    `within_tasks`, redraws each drawn task's m values with replacement from its own m; the
    replicate's statistic is the same macro average. `low` and `high` are the (1 - level)/2
    and (1 + level)/2 quantiles of the replicates (widened, if need be, to contain `value`).
    The seed is fixed, so a report is
    reproducible. Resampling samples within tasks as well keeps the interval honest when
    there are few tasks (with one task, it is the only source of variation); with many tasks
    it makes the interval slightly conservative.

    Args:
        values: Per-task sample values; None values are left out.
        level: Confidence level of the interval.
        resamples: Bootstrap replicates.
        seed: Seed of the random generator.
        within_tasks: Also resample samples within each task.

    Returns:
        The estimate, or None when no task has a value.

    Raises:
        ValueError: If `level` is not in (0, 1) or `resamples` < 1.
    """
    _check_options(level, resamples)
    groups = [g for _, g in _groups(values) if g]
    if not groups:
        return None
    value = sum(sum(g) / len(g) for g in groups) / len(groups)
    low, high = _interval(_bootstrap_means(groups, resamples, seed, within_tasks), level)
    return Estimate(value, min(low, value), max(high, value), level, len(groups))


def pass_at_k_ci(
    counts: Sequence[tuple[int, int]],
    k: int,
    *,
    level: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    within_tasks: bool = True,
) -> Estimate | None:
    """pass@k averaged over tasks, with a percentile bootstrap interval.

    Definition: `value` is `pass_at_k_table(counts, [k])[k]`. Each replicate draws tasks
    with replacement and, when `within_tasks`, redraws each drawn task's n samples with
    replacement, so that its number of passes becomes c* ~ Binomial(n, c / n); the replicate's
    statistic is the mean of `pass_at_k(n, c*, k)`. The interval is the percentile interval.

    Args:
        counts: (n, c) for each task.
        k: The budget.
        level: Confidence level of the interval.
        resamples: Bootstrap replicates.
        seed: Seed of the random generator.
        within_tasks: Also resample samples within each task.

    Returns:
        The estimate, or None when there are no tasks.

    Raises:
        ValueError: If k exceeds a task's samples, a count is invalid, or an option is.
    """
    import numpy as np

    _check_options(level, resamples)
    if not counts:
        return None
    value = pass_at_k_table(counts, [k])[k]
    sizes = np.array([n for n, _ in counts])
    passed = np.array([c for _, c in counts])
    table = np.zeros((len(counts), int(sizes.max()) + 1))
    rows = {n: [pass_at_k(n, c, k) for c in range(n + 1)] for n in set(sizes.tolist())}
    for row, (n, _) in enumerate(counts):
        table[row, : n + 1] = rows[n]
    cdf = _binomial_cdf(sizes.tolist(), passed.tolist(), int(sizes.max()))
    rng = _rng(seed)
    draws = []
    for size in _chunks(resamples, len(counts), cdf.shape[1] if within_tasks else 1):
        picks = rng.integers(0, len(counts), size=(size, len(counts)))
        hits = _draw_counts(cdf, picks, rng) if within_tasks else passed[picks]
        draws.append(table[picks, hits].mean(axis=1))
    low, high = _interval(np.concatenate(draws), level)
    return Estimate(value, min(low, value), max(high, value), level, len(counts))


def _paired(a: Groups, b: Groups) -> tuple[list[list[float]], list[list[float]]]:
    """The groups of the tasks where both A and B have a value, in the same order."""
    if isinstance(a, Mapping) != isinstance(b, Mapping):
        raise ValueError("compare two mappings of task id -> values, or two aligned sequences")
    left, right = dict(_groups(a)), dict(_groups(b))
    if not isinstance(a, Mapping) and len(left) != len(right):
        raise ValueError(f"aligned sequences differ in length: {len(left)} and {len(right)} tasks")
    keys = [key for key in left if key in right and left[key] and right[key]]
    return [left[key] for key in keys], [right[key] for key in keys]


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided p-value of the exact (binomial) McNemar test.

    Definition: with b pairs where only A succeeded and c where only B did, under the null
    hypothesis each discordant pair goes either way with probability 1/2, so
    `p = min(1, 2 * P(X <= min(b, c)))` for X ~ Binomial(b + c, 1/2), computed exactly;
    1.0 when there is no discordant pair.

    Args:
        b: Discordant pairs won by A.
        c: Discordant pairs won by B.

    Returns:
        The p-value.

    Raises:
        ValueError: If a count is negative.
    """
    if b < 0 or c < 0:
        raise ValueError(f"McNemar counts must be >= 0, got b={b}, c={c}")
    total = b + c
    if total == 0:
        return 1.0
    tail = sum(math.comb(total, i) for i in range(min(b, c) + 1))
    # Exact integers until the one division: 2 * tail / 2^total.
    return min(1.0, tail / (1 << (total - 1)))


def mcnemar_test(a: Sequence[bool], b: Sequence[bool], *, level: float = 0.95) -> Comparison:
    """Exact McNemar test of two models' paired binary outcomes (one pair per task).

    Definition: `difference` is the share of successes of A minus that of B; its interval is
    the Wald interval of a difference of paired proportions,
    `d ± z * sqrt((b + c) - (b - c)^2 / N) / N` (z the normal quantile for `level`), and the
    p-value is `mcnemar_exact(b, c)`, where b counts pairs where only A succeeded and c
    pairs where only B did, among N pairs.

    Args:
        a: A's outcome on each task.
        b: B's outcome on the same tasks, in the same order.
        level: Confidence level; `significant` is `p_value < 1 - level`.

    Returns:
        The comparison.

    Raises:
        ValueError: If the sequences differ in length or are empty.
    """
    if len(a) != len(b) or not a:
        raise ValueError(f"need two equal, non-empty outcome lists, got {len(a)} and {len(b)}")
    _check_options(level, 1)
    only_a = sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    only_b = sum(1 for x, y in zip(a, b, strict=True) if y and not x)
    pairs = len(a)
    difference = (only_a - only_b) / pairs
    from statistics import NormalDist

    z = NormalDist().inv_cdf((1 + level) / 2)
    spread = z * math.sqrt(max(0.0, (only_a + only_b) - (only_a - only_b) ** 2 / pairs)) / pairs
    p_value = mcnemar_exact(only_a, only_b)
    return Comparison(
        difference=difference,
        low=difference - spread,
        high=difference + spread,
        p_value=p_value,
        significant=p_value < 1 - level,
        method="exact McNemar",
        tasks=pairs,
        level=level,
    )


def paired_bootstrap(
    a: Groups,
    b: Groups,
    *,
    level: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    within_tasks: bool = True,
) -> Comparison | None:
    """Paired bootstrap of the difference of two models' macro averages on the same tasks.

    Definition: on the tasks where both models have a value, `difference` is
    `mean_of_means(a) - mean_of_means(b)`. Each replicate draws the same tasks (with
    replacement) for both models and, when `within_tasks`, redraws each model's samples
    within each drawn task independently (sample i of A is not paired with sample i of B);
    the interval is the percentile interval of the replicated differences. The two-sided
    p-value inverts it: `min(1, 2 * min(#(d* <= 0) + 1, #(d* >= 0) + 1) / (R + 1))` over the R
    replicates d*, so that `significant` (`p < 1 - level`) matches an interval excluding 0.

    Args:
        a: Model A's per-task sample values (None left out).
        b: Model B's, keyed (or ordered) the same way.
        level: Confidence level.
        resamples: Bootstrap replicates.
        seed: Seed of the random generator.
        within_tasks: Also resample samples within each task.

    Returns:
        The comparison, or None when no task has values for both models.

    Raises:
        ValueError: If one argument is a mapping and the other not, aligned sequences differ
            in length, or an option is invalid.
    """
    import numpy as np

    _check_options(level, resamples)
    left, right = _paired(a, b)
    if not left:
        return None
    difference = sum(sum(g) / len(g) for g in left) / len(left)
    difference -= sum(sum(g) / len(g) for g in right) / len(right)
    rng = _rng(seed)
    samples_a, samples_b = _Samples(left), _Samples(right)
    width = max(samples_a.width, samples_b.width) if within_tasks else 1
    draws = []
    for size in _chunks(resamples, len(left), 2 * width):
        picks = rng.integers(0, len(left), size=(size, len(left)))
        mean_a = samples_a.resampled_means(picks, rng, within_tasks).mean(axis=1)
        mean_b = samples_b.resampled_means(picks, rng, within_tasks).mean(axis=1)
        draws.append(mean_a - mean_b)
    replicated = np.concatenate(draws)
    low, high = _interval(replicated, level)
    tail = min(int((replicated <= 0).sum()), int((replicated >= 0).sum()))
    p_value = min(1.0, 2 * (tail + 1) / (len(replicated) + 1))
    return Comparison(
        difference=difference,
        low=min(low, difference),
        high=max(high, difference),
        p_value=p_value,
        significant=p_value < 1 - level,
        method="paired bootstrap",
        tasks=len(left),
        level=level,
    )


def compare(
    a: Groups,
    b: Groups,
    *,
    level: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Comparison | None:
    """Compare two models on the same tasks with the paired test that fits the data.

    Definition: when every shared task has exactly one sample per model and every value is
    0 or 1 (pass/fail at temperature 0, say), the exact McNemar test on the per-task
    outcomes (`mcnemar_test`); otherwise the paired bootstrap (`paired_bootstrap`). McNemar
    is not used across several samples of one task, since those pairs are not independent.

    Args:
        a: Model A's per-task sample values (None left out).
        b: Model B's, keyed (or ordered) the same way.
        level: Confidence level.
        resamples: Bootstrap replicates (paired bootstrap only).
        seed: Seed of the random generator (paired bootstrap only).

    Returns:
        The comparison, or None when no task has values for both models.

    Raises:
        ValueError: As `paired_bootstrap`.
    """
    left, right = _paired(a, b)
    if not left:
        return None
    binary = all(len(g) == 1 and g[0] in (0.0, 1.0) for g in (*left, *right))
    if binary:
        return mcnemar_test([g[0] == 1.0 for g in left], [g[0] == 1.0 for g in right], level=level)
    return paired_bootstrap(a, b, level=level, resamples=resamples, seed=seed)
