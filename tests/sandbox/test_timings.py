"""Empirical time complexity from the sandbox's CPU-clock timings: busy machine or not, within
the budget, and from the sizes a program finished when it fails at a larger one."""

from __future__ import annotations

import multiprocessing
import random

import pytest

from codeeval.sandbox import encode_arguments
from codeeval.sandbox.local import LocalExecutor
from codeeval.scoring import (
    GROWTH_CLASSES,
    fit_time_complexity,
    growth_class,
    judge_time_complexity,
)
from codeeval.types import (
    ExecJob,
    ExecLimits,
    Status,
    TimingFamily,
    TimingPlan,
    TimingPoint,
    TimingResult,
)

INSERTION_SORT = """
def f(items):
    out = list(items)
    for i in range(1, len(out)):
        value, j = out[i], i - 1
        while j >= 0 and out[j] > value:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = value
    return out
"""
MERGE_SORT = """
def f(items):
    if len(items) <= 1:
        return list(items)
    middle = len(items) // 2
    left, right = f(items[:middle]), f(items[middle:])
    merged, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i]); i += 1
        else:
            merged.append(right[j]); j += 1
    return merged + left[i:] + right[j:]
"""
SIZES = (250, 500, 1000, 2000, 4000)
QUADRATIC = growth_class("O(n^2)").tier  # type: ignore[union-attr]
LINEAR = growth_class("O(n)").tier  # type: ignore[union-attr]


def _tier(executor: LocalExecutor, code: str) -> int:
    rng = random.Random(7)
    timing = tuple((n, ([rng.randint(0, n) for _ in range(n)],)) for n in SIZES)
    job = ExecJob(
        id="t",
        code=code,
        entry_point="f",
        tests="",
        timing_args=timing,
        limits=ExecLimits(time_limit_s=10.0, memory_mb=256),
    )
    (result,) = list(executor.run([job]))
    assert [size for size, _ in result.timings] == list(SIZES), result.message
    fit = fit_time_complexity(result.timings)
    assert fit is not None
    return GROWTH_CLASSES[fit.rank].tier


def _spin(stop: multiprocessing.synchronize.Event) -> None:
    while not stop.is_set():
        pass


def test_timings_tell_quadratic_from_n_log_n_even_with_every_core_busy(
    executor: LocalExecutor,
) -> None:
    assert _tier(executor, INSERTION_SORT) == QUADRATIC
    assert _tier(executor, MERGE_SORT) == LINEAR  # O(n) or O(n log n)
    stop = multiprocessing.get_context("fork").Event()
    spinners = [
        multiprocessing.get_context("fork").Process(target=_spin, args=(stop,))
        for _ in range(multiprocessing.cpu_count())
    ]
    for spinner in spinners:
        spinner.start()
    try:
        assert _tier(executor, INSERTION_SORT) == QUADRATIC
        assert _tier(executor, MERGE_SORT) == LINEAR
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join(timeout=10)


def _plan(sizes: tuple[int, ...], budget_s: float) -> TimingPlan:
    rng = random.Random(3)
    points = []
    for n in sizes:
        payload, encoding = encode_arguments(([rng.randint(0, 99) for _ in range(n)],))
        points.append(TimingPoint(n, payload, encoding))
    return TimingPlan((TimingFamily("random", tuple(points)),), budget_s, reference=True)


def _timed(executor: LocalExecutor, code: str, plan: TimingPlan) -> TimingResult:
    limits = ExecLimits(time_limit_s=10.0, memory_mb=512)
    (result,) = list(executor.run([ExecJob("t", code, "f", "", limits=limits, timing=plan)]))
    assert result.status is Status.PASSED and result.timing is not None, result.message
    return result.timing


def test_the_budget_bounds_the_timing_and_a_slow_program_still_gets_its_class(
    executor: LocalExecutor,
) -> None:
    sizes = tuple(100 * 2**i for i in range(9))  # 100 to 25600: far too many for O(n^2)
    timing = _timed(executor, INSERTION_SORT, _plan(sizes, budget_s=1.0))
    assert timing.clock == "cpu" and timing.budget_s == 1.0
    assert 0.5 < timing.cpu_s < 1.5  # the budget, overshot by one exchange at most
    (family,) = timing.families
    assert family.by_budget and family.stopped.startswith("stopped before size")
    assert 4 <= len(family.points) < len(sizes)
    verdict = judge_time_complexity(timing)
    assert verdict.label == "O(n^2)" and family.stopped in verdict.note


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        ("raise MemoryError", "the program raised MemoryError at size 25600"),
        ("while True:\n            pass", "a call there did not finish within the timing budget"),
    ],
    ids=["memory_error", "endless_loop"],
)
def test_a_program_failing_at_a_large_size_keeps_the_class_of_the_sizes_it_finished(
    executor: LocalExecutor, failure: str, expected: str
) -> None:
    code = (
        "def f(items):\n"
        "    if len(items) > 20000:\n"
        f"        {failure}\n"
        "    total = 0\n"
        "    for value in items:\n"
        "        total += value\n"
        "    return total\n"
    )
    sizes = tuple(100 * 2**i for i in range(9))
    timing = _timed(executor, code, _plan(sizes, budget_s=2.0))
    (family,) = timing.families
    assert [p.size for p in family.points] == list(sizes[:-1])
    assert expected in family.stopped
    verdict = judge_time_complexity(timing)
    assert verdict.label == "O(n)" and expected in verdict.note
