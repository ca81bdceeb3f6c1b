"""judge_time_complexity: the worst class over input families, inconclusive and n/a, efficiency."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from codeeval.scoring import INCONCLUSIVE, NOT_APPLICABLE, judge_time_complexity, score_sample
from codeeval.types import FamilyTiming, Status, TimedPoint, TimingResult

SIZES = [round(100 * 10 ** (i / 2)) for i in range(7)]  # 100 to 100,000


def _family(
    name: str,
    growth: str,
    scale: float = 1.0,
    sizes: list[int] = SIZES,
    stopped: str = "",
    rounds: tuple[float, ...] = (1.0, 1.02, 1.05),
) -> FamilyTiming:
    f = {
        "n": float,
        "n log n": lambda n: n * math.log(n),
        "n^2": lambda n: float(n * n),
        "1": lambda n: 1000.0,
    }[growth]
    points = []
    for n in sizes:
        seconds = scale * 1e-8 * f(n)
        samples = tuple(seconds * r for r in rounds)
        points.append(TimedPoint(n, seconds, samples, 10, seconds * 1.1, verified=True))
    return FamilyTiming(name, tuple(points), stopped)


def test_the_class_is_the_worst_over_the_families_and_names_it() -> None:
    timing = TimingResult((_family("random", "n log n"), _family("sorted", "n^2")))
    verdict = judge_time_complexity(timing)
    assert verdict.label == "O(n^2)" and verdict.family == "sorted"
    assert [v.label for v in verdict.families] == ["O(n log n)", "O(n^2)"]
    assert verdict.fit is not None and verdict.fit.complexity == "O(n^2)"


def test_a_family_that_cannot_be_fitted_and_could_be_worse_makes_it_inconclusive() -> None:
    short = _family("sorted", "n^2", sizes=SIZES[:3], stopped="stopped at size 3162: timeout")
    verdict = judge_time_complexity(TimingResult((_family("random", "n log n"), short)))
    assert verdict.label == INCONCLUSIVE and verdict.family is None
    assert "O(n log n) on random, but sorted could be worse" in verdict.note
    assert "sorted: 3 sizes timed, too few to fit (stopped at size 3162: timeout)" in verdict.note


def test_a_family_stopped_by_the_budget_keeps_the_class_of_the_sizes_it_finished() -> None:
    stopped = "stopped before size 100000: it would take about 9 s, more than the budget left"
    family = _family("random", "n^2", sizes=SIZES[:6], stopped=stopped)
    verdict = judge_time_complexity(TimingResult((family,)))
    assert verdict.label == "O(n^2)" and stopped in verdict.note


def test_unverified_points_are_left_out() -> None:
    family = _family("random", "n")
    wrong = tuple(
        TimedPoint(p.size, p.seconds / 1000, verified=False) if p.size > 1000 else p
        for p in family.points
    )
    verdict = judge_time_complexity(TimingResult((FamilyTiming("random", wrong),)))
    assert verdict.label == INCONCLUSIVE  # 100, 316 and 1000 alone
    assert "3 sizes timed, too few to fit" in verdict.note


def test_not_timed_is_not_applicable_with_the_reason() -> None:
    verdict = judge_time_complexity(None, untimed="the task has no input generator (inputs.py)")
    assert verdict.label == NOT_APPLICABLE
    assert verdict.note == "the task has no input generator (inputs.py)"
    assert not verdict.conclusive


def test_plain_pairs_are_one_family() -> None:
    verdict = judge_time_complexity([(n, n * 1e-8) for n in SIZES])
    assert verdict.label == "O(n)" and verdict.family == "random"


def test_efficiency_is_the_time_over_the_references_at_the_largest_common_size() -> None:
    reference = TimingResult((_family("random", "n"),))
    slower = TimingResult((_family("random", "n", scale=2.0, sizes=SIZES[:5]),))
    verdict = judge_time_complexity(slower, reference)
    efficiency = verdict.efficiency
    assert efficiency is not None and efficiency.size == SIZES[4]
    assert efficiency.value == pytest.approx(2.0)
    assert efficiency.low <= 2.0 <= efficiency.high
    assert efficiency.high / efficiency.low < 1.2  # both measured to within 5%
    # Without a reference there is no efficiency.
    assert judge_time_complexity(slower).efficiency is None


def test_efficiency_is_the_geometric_mean_over_the_families_that_gave_the_class() -> None:
    reference = TimingResult((_family("random", "n log n"), _family("sorted", "n log n")))
    timing = TimingResult(
        (_family("random", "n log n", scale=1.2), _family("sorted", "n log n", scale=0.8))
    )
    verdict = judge_time_complexity(timing, reference)
    efficiency = verdict.efficiency
    assert verdict.label == "O(n log n)" and verdict.family == "random"  # the slower one
    assert efficiency is not None and efficiency.families == ("random", "sorted")
    assert efficiency.family == "random" and efficiency.size == SIZES[-1]
    assert efficiency.value == pytest.approx(math.sqrt(1.2 * 0.8))  # not the worse 1.2
    assert efficiency.low <= efficiency.value <= efficiency.high


def test_a_family_of_a_better_class_is_not_in_the_efficiency() -> None:
    reference = TimingResult((_family("random", "n log n"), _family("sorted", "n log n")))
    timing = TimingResult(
        (_family("random", "n log n", scale=0.5), _family("sorted", "n^2", scale=2e-4))
    )
    verdict = judge_time_complexity(timing, reference)
    efficiency = verdict.efficiency
    assert verdict.label == "O(n^2)" and efficiency is not None
    assert efficiency.families == ("sorted",)
    reference_time = 1e-8 * SIZES[-1] * math.log(SIZES[-1])
    assert efficiency.value == pytest.approx(2e-4 * 1e-8 * SIZES[-1] ** 2 / reference_time)


def test_the_reference_timed_again_is_as_fast_as_itself_on_average() -> None:
    """Noise in each family's time does not make a program as fast as the reference look slower.

    Four families, each point's time off by a few percent at random, 200 times: the largest
    family ratio (what was reported before) is biased upwards, the geometric mean is not.
    """
    rng = random.Random(7)
    names = ("random", "sorted", "reversed", "equal")
    reference = TimingResult(tuple(_family(name, "n log n") for name in names))
    logs, largest = [], []
    for _ in range(200):
        timing = TimingResult(
            tuple(_family(name, "n log n", scale=math.exp(rng.gauss(0.0, 0.05))) for name in names)
        )
        efficiency = judge_time_complexity(timing, reference).efficiency
        assert efficiency is not None and len(efficiency.families) == 4
        logs.append(math.log(efficiency.value))
        largest.append(
            max(
                f.points[-1].seconds / r.points[-1].seconds
                for f, r in zip(timing.families, reference.families, strict=True)
            )
        )
    assert abs(statistics.fmean(logs)) < 0.01
    assert statistics.fmean(largest) > 1.04  # the bias the old rule had


def test_score_sample_stores_the_class_family_note_and_interval() -> None:
    reference = TimingResult((_family("random", "n log n"), _family("sorted", "n log n")))
    timing = TimingResult((_family("random", "n log n"), _family("sorted", "n^2", scale=0.01)))
    scores = score_sample("def f(a):\n    return a\n", Status.PASSED, timing, "O(n log n)",
                          reference=reference)  # fmt: skip
    assert scores["time_complexity_class"] == "O(n^2)"
    assert scores["time_complexity_family"] == "sorted"
    assert scores["time_complexity"] == 0.0  # worse than the optimal O(n log n)
    efficiency = scores["efficiency"]
    assert isinstance(efficiency, float) and efficiency > 1.0
    assert scores["efficiency_low"] is not None and scores["efficiency_high"] is not None
    failed = score_sample("def f(a):\n    return a\n", Status.FAILED, timing, "O(n log n)")
    assert failed["time_complexity_class"] is None and failed["efficiency"] is None
