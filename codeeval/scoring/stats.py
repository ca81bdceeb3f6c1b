"""Aggregates over tasks with honest error bars: pass@k tables and bootstrap intervals.

Every function takes its data per task, in one of two containers: a mapping keyed by task id
(tasks taken in sorted order of their ids) or a sequence with one item per task. Per-sample
values (`mean_of_means`, `bootstrap_ci`) give each task the list of its samples' values;
pass/fail counts (`pass_at_k_table`, `pass_at_k_ci`) give each task its pair (n, c). Anything
else raises one ValueError naming the expected shape. None marks a value that could not be
computed: it is left out, and a task left with no value is left out of that aggregate. Every
aggregate is a macro average: the mean over tasks of each task's mean over its samples, so
every task weighs the same whatever its number of samples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from codeeval.scoring._bootstrap import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    Counts,
    Groups,
    binomial_cdf,
    bootstrap_means,
    check_options,
    chunk_sizes,
    draw_counts,
    generator,
    percentile_interval,
    task_counts,
    task_groups,
)
from codeeval.scoring.passk import pass_at_k


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
        """Half the interval's width; the interval need not be symmetric about `value`."""
        return (self.high - self.low) / 2


def mean_of_means(values: Groups) -> float | None:
    """The macro average: the mean over tasks of each task's mean over its samples.

    Args:
        values: Per-task sample values, `{task: [value, ...]}` or `[[value, ...], ...]`;
            None values are left out.

    Returns:
        The average, or None when no task has a value.

    Raises:
        ValueError: `values` is not shaped so.
    """
    groups = task_groups(values, "mean_of_means: values")
    means = [sum(group) / len(group) for _, group in groups if group]
    return sum(means) / len(means) if means else None


def pass_at_k_table(counts: Counts, ks: Iterable[int] | None = None) -> dict[int, float]:
    """pass@k averaged over tasks, for each k.

    Definition: `mean over tasks i of pass_at_k(n_i, c_i, k)`, where task i had n_i samples
    of which c_i passed.

    Args:
        counts: (n, c) for each task: `{task: (n, c)}` or `[(n, c), ...]`.
        ks: The budgets to report; by default every k from 1 to the smallest n.

    Returns:
        `{k: pass@k}`, in increasing k; empty when there are no tasks.

    Raises:
        ValueError: If `counts` is not shaped so, a k exceeds some task's number of samples,
            or a count is invalid.
    """
    pairs = task_counts(counts, "pass_at_k_table: counts")
    if not pairs:
        return {}
    fewest = min(n for n, _ in pairs)
    wanted = sorted(set(ks)) if ks is not None else list(range(1, fewest + 1))
    for k in wanted:
        if not 1 <= k <= fewest:
            raise ValueError(f"pass@{k} needs 1 <= k <= {fewest}, the fewest samples of a task")
    return {k: sum(pass_at_k(n, c, k) for n, c in pairs) / len(pairs) for k in wanted}


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
        values: Per-task sample values, `{task: [value, ...]}` or `[[value, ...], ...]`;
            None values are left out.
        level: Confidence level of the interval.
        resamples: Bootstrap replicates.
        seed: Seed of the random generator.
        within_tasks: Also resample samples within each task.

    Returns:
        The estimate, or None when no task has a value.

    Raises:
        ValueError: If `values` is not shaped so, `level` is not in (0, 1) or `resamples` < 1.
    """
    check_options(level, resamples)
    groups = [g for _, g in task_groups(values, "bootstrap_ci: values") if g]
    if not groups:
        return None
    value = sum(sum(g) / len(g) for g in groups) / len(groups)
    low, high = percentile_interval(bootstrap_means(groups, resamples, seed, within_tasks), level)
    return Estimate(value, min(low, value), max(high, value), level, len(groups))


def pass_at_k_ci(
    counts: Counts,
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
        counts: (n, c) for each task: `{task: (n, c)}` or `[(n, c), ...]`.
        k: The budget.
        level: Confidence level of the interval.
        resamples: Bootstrap replicates.
        seed: Seed of the random generator.
        within_tasks: Also resample samples within each task.

    Returns:
        The estimate, or None when there are no tasks.

    Raises:
        ValueError: If `counts` is not shaped so, k exceeds a task's samples, a count is
            invalid, or an option is.
    """
    import numpy as np

    check_options(level, resamples)
    pairs = task_counts(counts, "pass_at_k_ci: counts")
    if not pairs:
        return None
    value = pass_at_k_table(pairs, [k])[k]
    sizes = np.array([n for n, _ in pairs])
    passed = np.array([c for _, c in pairs])
    table = np.zeros((len(pairs), int(sizes.max()) + 1))
    rows = {n: [pass_at_k(n, c, k) for c in range(n + 1)] for n in set(sizes.tolist())}
    for row, (n, _) in enumerate(pairs):
        table[row, : n + 1] = rows[n]
    cdf = binomial_cdf(sizes.tolist(), passed.tolist(), int(sizes.max()))
    rng = generator(seed)
    draws = []
    for size in chunk_sizes(resamples, len(pairs), cdf.shape[1] if within_tasks else 1):
        picks = rng.integers(0, len(pairs), size=(size, len(pairs)))
        hits = draw_counts(cdf, picks, rng) if within_tasks else passed[picks]
        draws.append(table[picks, hits].mean(axis=1))
    low, high = percentile_interval(np.concatenate(draws), level)
    return Estimate(value, min(low, value), max(high, value), level, len(pairs))
