"""Paired comparison of two models on the same tasks: exact McNemar and paired bootstrap."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from codeeval.scoring._bootstrap import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    Groups,
    TaskSamples,
    check_options,
    chunk_sizes,
    generator,
    percentile_interval,
    task_groups,
)


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


def _paired(
    a: Groups, b: Groups, where: str = "compare"
) -> tuple[list[list[float]], list[list[float]]]:
    """The groups of the tasks where both A and B have a value, in the same order."""
    if isinstance(a, Mapping) != isinstance(b, Mapping):
        raise ValueError(f"{where}: give two mappings keyed by task, or two aligned sequences")
    left, right = dict(task_groups(a, f"{where}: a")), dict(task_groups(b, f"{where}: b"))
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


def _binomial_tail_at_least(successes: int, trials: int, share: float) -> float:
    """P(X >= successes) for X ~ Binomial(trials, share)."""
    if successes <= 0:
        return 1.0
    if share <= 0.0:
        return 0.0
    if share >= 1.0:
        return 1.0
    log_p, log_q = math.log(share), math.log1p(-share)
    return math.fsum(
        math.exp(math.log(math.comb(trials, i)) + i * log_p + (trials - i) * log_q)
        for i in range(successes, trials + 1)
    )


def clopper_pearson(successes: int, trials: int, *, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) confidence interval of a binomial proportion.

    Definition: the lower bound tL solves `P(X >= successes | tL) = (1 - level) / 2` (0 when
    successes = 0) and the upper bound tU solves `P(X <= successes | tU) = (1 - level) / 2`
    (1 when successes = trials), X ~ Binomial(trials, t); found by bisection to 1e-12.

    Args:
        successes: Observed successes, 0 <= successes <= trials.
        trials: Number of trials; 0 gives the uninformative (0, 1).
        level: Confidence level.

    Returns:
        (low, high).

    Raises:
        ValueError: If the counts are out of range.
    """
    if not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    check_options(level, 1)
    if trials == 0:
        return 0.0, 1.0
    alpha = (1 - level) / 2

    def solve(too_low: Callable[[float], bool]) -> float:
        lo, hi = 0.0, 1.0
        while hi - lo > 1e-12:
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if too_low(mid) else (lo, mid)
        return (lo + hi) / 2

    low = 0.0
    if successes > 0:
        low = solve(lambda t: _binomial_tail_at_least(successes, trials, t) < alpha)
    high = 1.0
    if successes < trials:
        # P(X <= s | t) = 1 - P(X >= s + 1 | t) falls as t grows.
        high = solve(lambda t: 1 - _binomial_tail_at_least(successes + 1, trials, t) > alpha)
    return low, high


def mcnemar_test(
    a: Mapping[str, bool] | Sequence[bool],
    b: Mapping[str, bool] | Sequence[bool],
    *,
    level: float = 0.95,
) -> Comparison:
    """Exact McNemar test of two models' paired binary outcomes (one pair per task).

    Definition: `difference` is the share of successes of A minus that of B,
    `d = (b - c) / N`, where b counts pairs where only A succeeded and c pairs where only B
    did, among N pairs; the p-value is `mcnemar_exact(b, c)`. The interval is the exact
    conditional one that inverts the same test: the Clopper-Pearson interval [tL, tU] of
    t = b / (b + c) at `level`, mapped to `((b + c) / N) * (2t - 1)`; it lies within
    [-1, 1] and excludes 0 exactly when the test is significant (up to ties at the
    boundary). With no discordant pair it is [0, 0].

    Args:
        a: A's outcome on each task: `{task: passed}`, or a sequence with one per task.
        b: B's outcomes, shaped as `a`: a mapping is paired with `a` by task (tasks only
            one of them has are left out), a sequence by position.
        level: Confidence level; `significant` is `p_value < 1 - level`.

    Returns:
        The comparison.

    Raises:
        ValueError: If one is a mapping and the other not, the sequences differ in length,
            or no task is shared.
    """
    if isinstance(a, Mapping) != isinstance(b, Mapping):
        raise ValueError("mcnemar_test: give two mappings keyed by task, or two aligned sequences")
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        shared = sorted(set(a) & set(b), key=str)
        a, b = [a[task] for task in shared], [b[task] for task in shared]
    if len(a) != len(b) or not a:
        raise ValueError(f"need two equal, non-empty outcome lists, got {len(a)} and {len(b)}")
    check_options(level, 1)
    only_a = sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    only_b = sum(1 for x, y in zip(a, b, strict=True) if y and not x)
    pairs, discordant = len(a), only_a + only_b
    difference = (only_a - only_b) / pairs
    low_share, high_share = clopper_pearson(only_a, discordant, level=level)
    p_value = mcnemar_exact(only_a, only_b)
    return Comparison(
        difference=difference,
        low=discordant / pairs * (2 * low_share - 1) if discordant else 0.0,
        high=discordant / pairs * (2 * high_share - 1) if discordant else 0.0,
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
        a: Model A's per-task sample values, `{task: [value, ...]}` or `[[value, ...], ...]`
            (None left out).
        b: Model B's, keyed (or ordered) the same way.
        level: Confidence level.
        resamples: Bootstrap replicates.
        seed: Seed of the random generator.
        within_tasks: Also resample samples within each task.

    Returns:
        The comparison, or None when no task has values for both models.

    Raises:
        ValueError: If an argument is not shaped so, one is a mapping and the other not,
            aligned sequences differ in length, or an option is invalid.
    """
    import numpy as np

    check_options(level, resamples)
    left, right = _paired(a, b, "paired_bootstrap")
    if not left:
        return None
    difference = sum(sum(g) / len(g) for g in left) / len(left)
    difference -= sum(sum(g) / len(g) for g in right) / len(right)
    rng = generator(seed)
    samples_a, samples_b = TaskSamples(left), TaskSamples(right)
    width = max(samples_a.width, samples_b.width) if within_tasks else 1
    draws = []
    for size in chunk_sizes(resamples, len(left), 2 * width):
        picks = rng.integers(0, len(left), size=(size, len(left)))
        mean_a = samples_a.resampled_means(picks, rng, within_tasks).mean(axis=1)
        mean_b = samples_b.resampled_means(picks, rng, within_tasks).mean(axis=1)
        draws.append(mean_a - mean_b)
    replicated = np.concatenate(draws)
    low, high = percentile_interval(replicated, level)
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
        a: Model A's per-task sample values, `{task: [value, ...]}` or `[[value, ...], ...]`
            (None left out).
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
