"""A program cannot come out faster than it is: patched clocks, loops, builtins and caches.

Each hostile program is the honest one (a quadratic pair count, correct on every input) plus
a trick. The grader times them all with the plan a run builds (the reference timed first, its
result fingerprints and input-delivery CPU in the plan) and judges them as a run does: none
may be measured faster (a better class, or much less time at the largest size) than the
honest program; where a trick hides the work, the measurement says so or is not used.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from codeeval.sandbox import encode_arguments
from codeeval.sandbox.local import LocalExecutor
from codeeval.scoring import INCONCLUSIVE, TimeComplexity, judge_time_complexity
from codeeval.task.prepare import candidate_plan
from codeeval.types import (
    ExecJob,
    ExecLimits,
    ExecResult,
    Status,
    TimingFamily,
    TimingPlan,
    TimingPoint,
    TimingResult,
)

PAIRS = """
def f(a):
    count, i, n = 0, 0, len(a)
    while i < n:
        j = i + 1
        while j < n:
            if a[i] > a[j]:
                count += 1
            j += 1
        i += 1
    return count
"""
TESTS = "def test_small(candidate):\n    assert candidate([3, 1, 2]) == 2\n"
SIZES = (50, 100, 200, 400, 800)
BUDGET_S = 1.5

CLOCKS = (
    "import time\n"
    "for name in ('perf_counter', 'process_time', 'thread_time', 'monotonic', 'time'):\n"
    "    setattr(time, name, lambda: 0.0)\n"
    "    setattr(time, name + '_ns', lambda: 0)\n" + PAIRS
)
ONE_CALL_PER_ROUND = (
    "import sys\n"
    "_child = sys.modules['codeeval.sandbox._child']\n"
    "_real = _child._reps\n"
    "_child._reps = lambda function, seq, count, fresh: _real(function, seq, 1, fresh)\n" + PAIRS
)
EMPTY_RANGE = (
    "import builtins\n"
    "_range = builtins.range\n"
    "builtins.range = lambda *args: _range(0) if args and args[0] > 1 else _range(*args)\n" + PAIRS
)
MEMOIZED = (
    "_seen = {}\n"
    + PAIRS.replace("def f(a):", "def _f(a):")
    + "\n\ndef f(a):\n    key = tuple(a)\n    if key not in _seen:\n        _seen[key] = _f(a)\n"
    "    return _seen[key]\n"
)
WRONG_WHEN_LARGE = PAIRS.replace(
    "def f(a):\n", "def f(a):\n    if len(a) > 150:\n        return 0\n"
)
WORK_WHILE_INPUTS_ARRIVE = (
    "import sys\n"
    "_child = sys.modules['codeeval.sandbox._child']\n"
    "_real_put, _answers = _child._put, {}\n"
    "def _put(seq, payload, encoding, copies):\n"
    "    reply = _real_put(seq, payload, encoding, copies)\n"
    "    if payload:\n"
    "        args = _child._Timing.args\n"
    "        _answers[id(args[0])] = _f(*args)\n"
    "    return reply\n"
    "_child._put = _put\n"
    + PAIRS.replace("def f(a):", "def _f(a):")
    + "\n\ndef f(a):\n    found = _answers.get(id(a))\n"
    + "    return _f(a) if found is None else found\n"
)


def _families() -> tuple[TimingFamily, ...]:
    rng = random.Random(5)
    points = []
    for size in SIZES:
        payload, encoding = encode_arguments(([rng.randint(0, 10**6) for _ in range(size)],))
        points.append(TimingPoint(size, payload, encoding))
    return (TimingFamily("random", tuple(points)),)


def _job(name: str, code: str, plan: TimingPlan) -> ExecJob:
    limits = ExecLimits(time_limit_s=5.0, memory_mb=512)
    return ExecJob(name, code, "f", TESTS, limits=limits, timing=plan)


@pytest.fixture(scope="module")
def measured() -> Iterator[tuple[TimingResult, dict[str, ExecResult]]]:
    """The reference's timing, then every program's result, graded with the candidates' plan."""
    families = _families()
    programs = {
        "honest": PAIRS,
        "clocks": CLOCKS,
        "one_call_per_round": ONE_CALL_PER_ROUND,
        "empty_range": EMPTY_RANGE,
        "memoized": MEMOIZED,
        "wrong_when_large": WRONG_WHEN_LARGE,
        "work_while_inputs_arrive": WORK_WHILE_INPUTS_ARRIVE,
    }
    with LocalExecutor(workers=2) as executor:
        (reference,) = executor.run(
            [_job("reference", PAIRS, TimingPlan(families, BUDGET_S, reference=True))]
        )
        assert reference.status is Status.PASSED and reference.timing is not None
        plan, why = candidate_plan(families, reference.timing, BUDGET_S)
        assert plan is not None, why
        results = {r.job_id: r for r in executor.run(_job(n, c, plan) for n, c in programs.items())}
    yield reference.timing, results


def _verdict(measured: tuple[TimingResult, dict[str, ExecResult]], name: str) -> TimeComplexity:
    reference, results = measured
    result = results[name]
    assert result.status is Status.PASSED, result.message
    return judge_time_complexity(result.timing, reference)


def _top(result: ExecResult) -> float:
    """The time of the largest size that was used, by the program's own timing."""
    assert result.timing is not None
    used = [p for f in result.timing.families for p in f.points if p.verified]
    return max(used, key=lambda p: p.size).seconds


def test_the_honest_program_is_quadratic_and_as_fast_as_the_reference(
    measured: tuple[TimingResult, dict[str, ExecResult]],
) -> None:
    verdict = _verdict(measured, "honest")
    assert verdict.label == "O(n^2)" and verdict.family == "random"
    assert verdict.efficiency is not None and 0.6 < verdict.efficiency.value < 1.6
    assert verdict.efficiency.size == SIZES[-1]


def test_patched_clocks_change_nothing(
    measured: tuple[TimingResult, dict[str, ExecResult]],
) -> None:
    verdict = _verdict(measured, "clocks")
    assert verdict.label == "O(n^2)"
    assert verdict.efficiency is not None and verdict.efficiency.value > 0.6


@pytest.mark.parametrize("trick", ["one_call_per_round", "empty_range", "memoized"])
def test_repeated_calls_that_skip_the_work_leave_the_first_calls_time(
    measured: tuple[TimingResult, dict[str, ExecResult]], trick: str
) -> None:
    verdict = _verdict(measured, trick)
    assert verdict.label == "O(n^2)", verdict.note
    assert "results cached between calls" in verdict.note
    # Every size's time is its first call's once the repeats ran faster: none is faster
    # than the honest program's at the largest size.
    _, results = measured
    assert _top(results[trick]) > 0.6 * _top(results["honest"])
    assert verdict.efficiency is not None and verdict.efficiency.value > 0.6


def test_wrong_answers_on_the_timing_inputs_are_not_used(
    measured: tuple[TimingResult, dict[str, ExecResult]],
) -> None:
    verdict = _verdict(measured, "wrong_when_large")
    assert verdict.label == INCONCLUSIVE  # 50 and 100 alone: too few sizes
    assert "differs from the reference's" in verdict.note
    _, results = measured
    timing = results["wrong_when_large"].timing
    assert timing is not None
    assert [(p.size, p.verified) for p in timing.families[0].points][:3] == [
        (50, True),
        (100, True),
        (200, False),
    ]


def test_work_done_while_the_inputs_arrive_is_caught_and_not_used(
    measured: tuple[TimingResult, dict[str, ExecResult]],
) -> None:
    verdict = _verdict(measured, "work_while_inputs_arrive")
    assert verdict.label == INCONCLUSIVE
    assert "the program works between its timed calls" in verdict.note
    _, results = measured
    timing = results["work_while_inputs_arrive"].timing
    assert timing is not None and not any(p.verified for p in timing.families[0].points)
