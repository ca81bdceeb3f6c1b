"""scores_to_store: what is stored for one graded sample, with its timings fitted once."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pytest

from codeeval.scoring import (
    COMPLEXITY_CLASS,
    METRICS,
    STATIC_METRICS_SKIPPED,
    ComplexityFit,
    fit_time_complexity,
    score_sample,
    scores_to_store,
    timefit,
)
from codeeval.types import Status

CODE = "def ident(items):\n    return list(items)\n"
LINEAR = [(n, n * 1e-7) for n in (1000, 2000, 4000, 8000, 16000)]
NOISY = [(1000, 1e-4), (2000, 9e-4), (4000, 2e-4), (8000, 5e-3), (16000, 1e-3)]


def test_the_metrics_of_score_sample_and_the_growth_class() -> None:
    scores = scores_to_store(CODE, Status.PASSED, LINEAR, "O(n)")
    assert list(scores)[: len(METRICS)] == [metric.name for metric in METRICS]
    assert scores == score_sample(CODE, Status.PASSED, LINEAR, "O(n)")
    assert scores["time_complexity"] == 1.0
    assert scores[COMPLEXITY_CLASS] == "O(n)"
    assert STATIC_METRICS_SKIPPED not in scores


def test_no_growth_class_unless_passed_timed_and_reliable() -> None:
    assert scores_to_store(CODE, Status.FAILED, LINEAR, "O(n)")[COMPLEXITY_CLASS] is None
    assert scores_to_store(CODE, Status.PASSED, (), "O(n)")[COMPLEXITY_CLASS] == "n/a"
    fit = fit_time_complexity(NOISY)
    assert fit is not None and fit.complexity == "O(1)"  # parsimony: O(1) predicts about as well


def test_a_program_too_long_for_static_metrics_says_why() -> None:
    long_code = CODE + "x = 1\n" * 20_000
    scores = scores_to_store(long_code, Status.FAILED)
    assert scores["compiles"] == 1.0 and scores["pep8"] is None
    assert scores[STATIC_METRICS_SKIPPED] == (
        f"code of {len(long_code)} characters is longer than 100000"
    )
    failed = scores_to_store(long_code, Status.GENERATION_ERROR)
    assert STATIC_METRICS_SKIPPED not in failed and failed["compiles"] is None


def test_the_timings_are_fitted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Sequence[tuple[int, float]]] = []
    real = timefit.fit_time_complexity

    def counting(timings: Sequence[tuple[int, float]]) -> ComplexityFit | None:
        calls.append(timings)
        return real(timings)

    for module in list(sys.modules.values()):  # every codeeval module that imported it
        if module and module.__name__.startswith("codeeval"):
            if getattr(module, "fit_time_complexity", None) is real:
                monkeypatch.setattr(module, "fit_time_complexity", counting)
    scores = scores_to_store(CODE, Status.PASSED, LINEAR, "O(n)")
    assert scores[COMPLEXITY_CLASS] == "O(n)" and scores["time_complexity"] == 1.0
    assert calls == [LINEAR]
