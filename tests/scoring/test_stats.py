"""Bootstrap intervals, pass@k intervals, paired bootstrap and exact McNemar."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest

from codeeval.scoring import (
    Estimate,
    bootstrap_ci,
    clopper_pearson,
    compare,
    mcnemar_exact,
    mcnemar_test,
    mean_of_means,
    paired_bootstrap,
    pass_at_k_ci,
    pass_at_k_table,
)


def _exact_mcnemar(b: int, c: int) -> Fraction:
    total = b + c
    tail = sum(Fraction(math.comb(total, i), 2**total) for i in range(min(b, c) + 1))
    return min(Fraction(1), 2 * tail)


def test_mcnemar_textbook_values() -> None:
    # Fagerland, Lydersen & Laake (2013), BMC Med Res Methodol 13:91, airway example:
    # b = 1, c = 7, exact conditional p = 0.070.
    assert mcnemar_exact(1, 7) == pytest.approx(0.0703125)
    assert round(mcnemar_exact(1, 7), 3) == 0.070
    # 0 against 5 discordant pairs: 2 * (1/2)^5.
    assert mcnemar_exact(0, 5) == 0.0625
    assert mcnemar_exact(10, 2) == pytest.approx(158 / 4096)
    assert mcnemar_exact(3, 3) == 1.0
    assert mcnemar_exact(0, 0) == 1.0


def test_mcnemar_equals_the_exact_binomial_tail() -> None:
    for b in range(0, 25, 3):
        for c in range(0, 25, 4):
            assert mcnemar_exact(b, c) == pytest.approx(float(_exact_mcnemar(b, c)), rel=1e-12)
    with pytest.raises(ValueError, match=">= 0"):
        mcnemar_exact(-1, 2)


def test_mcnemar_test_on_outcomes() -> None:
    a = [True] * 10 + [False] * 2 + [True] * 5 + [False] * 3
    b = [False] * 10 + [True] * 2 + [True] * 5 + [False] * 3
    result = mcnemar_test(a, b)
    assert result.method == "exact McNemar"
    assert result.difference == pytest.approx((10 - 2) / 20)
    assert result.p_value == pytest.approx(158 / 4096)
    assert result.significant
    assert result.low < result.difference < result.high
    with pytest.raises(ValueError, match="equal, non-empty"):
        mcnemar_test([True], [True, False])


def test_clopper_pearson_matches_published_bounds() -> None:
    # Reference values of the exact binomial interval (e.g. R's binom.test).
    assert clopper_pearson(1, 8) == pytest.approx((0.003159724, 0.526509671), abs=1e-8)
    assert clopper_pearson(5, 10) == pytest.approx((0.187086028, 0.812913972), abs=1e-8)
    assert clopper_pearson(0, 10) == pytest.approx((0.0, 0.308497108), abs=1e-8)
    assert clopper_pearson(10, 10) == pytest.approx((0.691502892, 1.0), abs=1e-8)
    assert clopper_pearson(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError, match="successes <= trials"):
        clopper_pearson(3, 2)


def test_mcnemar_interval_agrees_with_its_test_and_stays_in_range() -> None:
    # b = 1, c = 7 of 10 tasks: p = 0.070, so the interval must reach past 0.
    a = [True] + [False] * 7 + [True, True]
    b = [False] + [True] * 7 + [True, True]
    result = mcnemar_test(a, b)
    assert result.p_value == pytest.approx(0.0703125)
    assert not result.significant and result.low < 0 < result.high
    for only_a in range(0, 25):
        for only_b in range(0, 25):
            both = [True] * 3
            left = [True] * only_a + [False] * only_b + both
            right = [False] * only_a + [True] * only_b + both
            got = mcnemar_test(left, right)
            assert -1.0 <= got.low <= got.difference <= got.high <= 1.0
            excludes_zero = got.low > 0 or got.high < 0
            assert excludes_zero == got.significant, (only_a, only_b, got)


def test_mean_of_means_weighs_tasks_equally_and_skips_none() -> None:
    values = {"a": [1.0, 0.0, None, 1.0], "b": [0.0], "c": [None]}
    assert mean_of_means(values) == pytest.approx((2 / 3 + 0) / 2)
    assert mean_of_means({"a": [None]}) is None
    assert mean_of_means([[1.0, 3.0], [5.0]]) == 3.5


def test_bootstrap_is_reproducible_and_contains_the_value() -> None:
    rng = random.Random(3)
    values = {f"t{i}": [rng.gauss(2, 1) for _ in range(6)] for i in range(15)}
    first, again = bootstrap_ci(values), bootstrap_ci(values)
    assert first == again
    assert isinstance(first, Estimate)
    assert first.low < first.value < first.high
    assert first.value == pytest.approx(mean_of_means(values))
    assert first.tasks == 15
    assert bootstrap_ci(values, seed=7) != first
    assert first.half_width == pytest.approx((first.high - first.low) / 2)


def test_bootstrap_of_constant_values_has_no_width() -> None:
    estimate = bootstrap_ci({"a": [1.0, 1.0], "b": [1.0]})
    assert estimate == Estimate(1.0, 1.0, 1.0, 0.95, 2)
    assert bootstrap_ci({"a": [None]}) is None


def test_single_task_still_gets_an_interval_from_its_samples() -> None:
    estimate = bootstrap_ci({"quicksort": [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0]})
    assert estimate is not None
    assert estimate.value == pytest.approx(0.7)
    assert estimate.low < 0.6 and estimate.high > 0.8
    across_only = bootstrap_ci({"quicksort": [1.0, 0.0, 1.0]}, within_tasks=False)
    assert across_only is not None and across_only.low == across_only.high


def test_ragged_continuous_groups() -> None:
    values = {"a": [1.0, 2.0, 3.0], "b": [10.0], "c": [4.0, None, 6.0, 5.0]}
    estimate = bootstrap_ci(values)
    assert estimate is not None
    assert estimate.value == pytest.approx((2 + 10 + 5) / 3)
    assert 1.0 <= estimate.low < estimate.value < estimate.high <= 10.0


@pytest.mark.parametrize("kind", ["binary", "continuous"])
def test_interval_covers_the_true_mean_at_about_the_nominal_rate(kind: str) -> None:
    rng = random.Random(11)
    trials, covered = 200, 0
    for trial in range(trials):
        if kind == "binary":
            shares = [rng.betavariate(2, 2) for _ in range(20)]
            values = {
                f"t{i}": [float(rng.random() < p) for _ in range(5)] for i, p in enumerate(shares)
            }
            truth = 0.5
        else:
            centres = [rng.gauss(0, 1) for _ in range(20)]
            values = {f"t{i}": [rng.gauss(m, 2) for _ in range(5)] for i, m in enumerate(centres)}
            truth = 0.0
        estimate = bootstrap_ci(values, resamples=400, seed=trial)
        assert estimate is not None
        covered += estimate.low <= truth <= estimate.high
    assert 0.90 <= covered / trials <= 0.99


def test_pass_at_k_interval() -> None:
    counts = [(10, 3), (10, 0), (10, 10), (10, 7), (10, 5)]
    for k in (1, 5, 10):
        estimate = pass_at_k_ci(counts, k)
        assert estimate is not None
        assert estimate.value == pytest.approx(pass_at_k_table(counts, [k])[k])
        assert 0.0 <= estimate.low <= estimate.value <= estimate.high <= 1.0
    assert pass_at_k_ci(counts, 1) == pass_at_k_ci(counts, 1)
    assert pass_at_k_ci([], 1) is None
    with pytest.raises(ValueError):
        pass_at_k_ci(counts, 11)


def test_pass_at_1_interval_equals_the_bootstrap_of_binary_outcomes() -> None:
    rng = random.Random(5)
    outcomes = {f"t{i}": [float(rng.random() < 0.4) for _ in range(8)] for i in range(12)}
    counts = [(len(v), int(sum(v))) for _, v in sorted(outcomes.items())]
    by_counts = pass_at_k_ci(counts, 1, resamples=4000)
    by_values = bootstrap_ci(outcomes, resamples=4000)
    assert by_counts is not None and by_values is not None
    assert by_counts.value == pytest.approx(by_values.value)
    assert by_counts.low == pytest.approx(by_values.low, abs=0.03)
    assert by_counts.high == pytest.approx(by_values.high, abs=0.03)


def test_paired_bootstrap_detects_a_shift_and_not_its_absence() -> None:
    rng = random.Random(2)
    base = {f"t{i}": [rng.gauss(i, 1) for _ in range(5)] for i in range(30)}
    better = {key: [v + 0.8 for v in vals] for key, vals in base.items()}
    shifted = paired_bootstrap(better, base)
    assert shifted is not None
    assert shifted.difference == pytest.approx(0.8)
    assert shifted.significant and shifted.p_value < 0.01
    assert shifted.low > 0
    same = paired_bootstrap(base, base)
    assert same is not None
    assert same.difference == 0.0 and same.p_value > 0.5 and not same.significant
    fixed = paired_bootstrap(base, base, within_tasks=False)
    assert fixed is not None and fixed.p_value == 1.0 and fixed.low == fixed.high == 0.0


def test_paired_bootstrap_pairs_by_task_and_skips_unshared_tasks() -> None:
    a = {"x": [1.0, 1.0], "y": [0.0], "only_a": [1.0]}
    b = {"y": [1.0, 0.0], "x": [1.0], "only_b": [0.0]}
    result = paired_bootstrap(a, b)
    assert result is not None
    assert result.tasks == 2
    assert result.difference == pytest.approx(((1 - 1) + (0 - 0.5)) / 2)
    assert paired_bootstrap({"x": [1.0]}, {"y": [1.0]}) is None
    with pytest.raises(ValueError, match="aligned sequences"):
        paired_bootstrap([[1.0]], [[1.0], [0.0]])
    with pytest.raises(ValueError, match="two mappings"):
        paired_bootstrap({"x": [1.0]}, [[1.0]])


def test_paired_bootstrap_is_more_powerful_than_unpaired_intervals() -> None:
    # Task difficulty varies a lot; B is a little better on every task.
    rng = random.Random(9)
    a = {f"t{i}": [rng.gauss(10 * i, 0.1)] * 3 for i in range(20)}
    b = {key: [v + 0.3 for v in vals] for key, vals in a.items()}
    interval_a, interval_b = bootstrap_ci(a), bootstrap_ci(b)
    assert interval_a is not None and interval_b is not None
    assert interval_a.high > interval_b.low  # unpaired intervals overlap
    result = paired_bootstrap(b, a)
    assert result is not None and result.significant


def test_compare_picks_mcnemar_for_one_binary_sample_per_task() -> None:
    a = {f"t{i}": [1.0] for i in range(12)}
    b = {f"t{i}": [1.0 if i < 2 else 0.0] for i in range(12)}
    result = compare(a, b)
    assert result is not None
    assert result.method == "exact McNemar"
    assert result.p_value == pytest.approx(mcnemar_exact(10, 0))
    several = compare({k: v * 3 for k, v in a.items()}, {k: v * 3 for k, v in b.items()})
    assert several is not None and several.method == "paired bootstrap"
    assert compare({}, {}) is None


def test_invalid_options_raise() -> None:
    with pytest.raises(ValueError, match="level"):
        bootstrap_ci({"a": [1.0]}, level=1.5)
    with pytest.raises(ValueError, match="resamples"):
        bootstrap_ci({"a": [1.0]}, resamples=0)


def test_counts_keyed_by_task_are_taken_like_values_keyed_by_task() -> None:
    keyed = {"b": (10, 0), "a": (10, 3), "d": (10, 10), "c": (10, 7)}
    listed = [keyed[task] for task in sorted(keyed)]
    for k in (1, 5):
        assert pass_at_k_ci(keyed, k) == pass_at_k_ci(listed, k)
    assert pass_at_k_table(keyed, [1, 5]) == pass_at_k_table(listed, [1, 5])
    single = pass_at_k_ci({"a": (10, 3)}, 1)
    assert single is not None and single.value == pytest.approx(0.3) and single.tasks == 1
    assert pass_at_k_ci({}, 1) is None and pass_at_k_table({}) == {}


@pytest.mark.parametrize("counts", [(10, 3), [10, 3], {"a": 3}, {"a": (10, 3, 1)}, {"a": "10"}])
def test_counts_of_the_wrong_shape_name_the_expected_one(counts: object) -> None:
    for function in (lambda c: pass_at_k_ci(c, 1), pass_at_k_table):
        with pytest.raises(ValueError, match=r"\(n, c\) per task: a mapping \{task: \(n, c\)\}"):
            function(counts)


@pytest.mark.parametrize("values", [[1.0, 0.0], {"a": 1.0}, {"a": "10"}, {"a": [1.0, "x"]}])
def test_values_of_the_wrong_shape_name_the_expected_one(values: object) -> None:
    functions = (
        bootstrap_ci,
        mean_of_means,
        lambda v: compare(v, v),
        lambda v: paired_bootstrap(v, v),
    )
    for function in functions:
        with pytest.raises(ValueError, match=r"values per task: a mapping \{task: \[value, "):
            function(values)


def test_mcnemar_test_pairs_outcomes_keyed_by_task() -> None:
    a = {f"t{i}": i % 3 != 0 for i in range(12)}
    b = {f"t{i}": i % 4 == 0 for i in reversed(range(12))}
    keys = sorted(a)
    assert mcnemar_test(a, b) == mcnemar_test([a[t] for t in keys], [b[t] for t in keys])
    with pytest.raises(ValueError, match="two mappings"):
        mcnemar_test(a, [True])
