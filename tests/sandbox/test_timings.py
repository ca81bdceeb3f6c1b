"""Empirical time complexity from the sandbox's CPU-clock timings, busy machine or not."""

from __future__ import annotations

import multiprocessing
import random

from codeeval.sandbox.local import LocalExecutor
from codeeval.scoring import GROWTH_CLASSES, fit_time_complexity
from codeeval.types import ExecJob, ExecLimits

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
    assert _tier(executor, INSERTION_SORT) == 2  # O(n^2)
    assert _tier(executor, MERGE_SORT) == 1  # O(n) / O(n log n)
    stop = multiprocessing.get_context("fork").Event()
    spinners = [
        multiprocessing.get_context("fork").Process(target=_spin, args=(stop,))
        for _ in range(multiprocessing.cpu_count())
    ]
    for spinner in spinners:
        spinner.start()
    try:
        assert _tier(executor, INSERTION_SORT) == 2
        assert _tier(executor, MERGE_SORT) == 1
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join(timeout=10)
