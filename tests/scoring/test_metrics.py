"""The METRICS table, score_code, the public API of codeeval.scoring and its import weight."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeeval.scoring import (
    COMPLEXITY_CLASS,
    COMPLEXITY_FAMILY,
    COMPLEXITY_NOTE,
    EXECUTION_METRICS,
    LABELS,
    METRICS,
    STATIC_METRICS,
    comment_coverage,
    cyclomatic_complexity,
    maintainability_index,
    max_cyclomatic_complexity,
    pep8_compliance,
    pep8_violations,
    score_code,
    score_execution,
    score_sample,
)
from codeeval.types import Status

QUICKSORT = Path(__file__).parents[2] / "tasks" / "quicksort" / "solution.py"


def test_headline_metrics_are_the_comparison_table_in_order() -> None:
    headline = [m.label for m in METRICS if m.headline]
    assert headline == [
        "compile rate",
        "pass@1",
        "time complexity",
        "time vs reference",
        "cyclomatic",
        "PEP8 compliance",
        "comment coverage",
    ]
    names = [m.name for m in METRICS]
    assert len(names) == len(set(names))
    assert {"compiles", "pass@1", "time_complexity", "cyclomatic", "maintainability"} <= set(names)
    assert {"pep8", "comments"} <= set(names)


def test_metric_formats_and_directions() -> None:
    by_name = {m.name: m for m in METRICS}
    assert format(0.825, by_name["pep8"].fmt) == "82%"
    assert not by_name["cyclomatic"].higher_is_better
    assert by_name["pass@1"].source == "execution"
    assert by_name["time_complexity"].source == "execution"
    assert by_name["efficiency"].source == "execution"
    assert not by_name["efficiency"].higher_is_better
    with pytest.raises(AttributeError):
        by_name["pep8"].label = "x"  # type: ignore[misc]


def test_score_code_equals_each_function() -> None:
    code = QUICKSORT.read_text(encoding="utf-8")
    scores = score_code(code)
    assert set(scores) == set(STATIC_METRICS)
    assert scores == {
        "compiles": 1.0,
        "cyclomatic": cyclomatic_complexity(code),
        "max_cyclomatic": max_cyclomatic_complexity(code),
        "maintainability": maintainability_index(code),
        "pep8": pep8_compliance(code),
        "pep8_violations": float(pep8_violations(code)),
        "comments": comment_coverage(code),
    }
    assert score_code(code, max_line_length=120)["pep8_violations"] == float(
        pep8_violations(code, 120)
    )


@pytest.mark.parametrize("code", [None, "", "def f(:\n    pass\n", "return 1\n"])
def test_broken_or_missing_code_scores_none_not_zero(code: str | None) -> None:
    scores = score_code(code)
    assert scores["compiles"] == 0.0
    assert all(value is None for name, value in scores.items() if name != "compiles")


LINEAR = [(n, n * 1e-7) for n in (1000, 2000, 4000, 8000, 16000)]
QUADRATIC = [(n, n * n * 1e-9) for n in (1000, 2000, 4000, 8000, 16000)]


def test_score_execution() -> None:
    assert set(EXECUTION_METRICS) == {"pass@1", "time_complexity", "efficiency"}
    assert score_execution(Status.PASSED, LINEAR, "O(n log n)") == {
        "pass@1": 1.0,
        "time_complexity": 1.0,
        "efficiency": None,  # no reference timings to compare with
    }
    assert score_execution(Status.PASSED, QUADRATIC, "O(n log n)")["time_complexity"] == 0.0
    assert score_execution(Status.PASSED)["time_complexity"] is None  # not timed
    # A wrong program's growth means nothing; a missing answer is a failure.
    assert score_execution(Status.FAILED, QUADRATIC, "O(n)") == {
        "pass@1": 0.0,
        "time_complexity": None,
        "efficiency": None,
    }
    assert score_execution(Status.NO_CODE)["pass@1"] == 0.0
    assert score_execution(Status.TIMEOUT)["pass@1"] == 0.0
    assert score_execution(Status.GENERATION_ERROR) == dict.fromkeys(EXECUTION_METRICS)


def test_score_sample_has_every_metric_in_table_order_then_the_labels() -> None:
    code = QUICKSORT.read_text(encoding="utf-8")
    scores = score_sample(code, Status.PASSED, LINEAR, "O(n log n)")
    assert list(scores) == [m.name for m in METRICS] + list(LABELS)
    metrics = {name: scores[name] for name in (m.name for m in METRICS)}
    assert metrics == {**score_code(code), **score_execution(Status.PASSED, LINEAR, "O(n log n)")}
    assert scores[COMPLEXITY_CLASS] == "O(n)" and scores[COMPLEXITY_FAMILY] == "random"
    failed = score_sample(None, Status.GENERATION_ERROR)
    assert all(value is None for value in failed.values())
    untimed = score_sample(code, Status.PASSED, (), "O(n)", untimed="no inputs.py")
    assert untimed[COMPLEXITY_CLASS] == "n/a" and untimed[COMPLEXITY_NOTE] == "no inputs.py"
    assert untimed["time_complexity"] is None


def test_an_infrastructure_error_says_nothing_about_the_code() -> None:
    # The grading workers died: neither the verdict nor the code's scores may count.
    code = QUICKSORT.read_text(encoding="utf-8")
    assert score_execution(Status.INFRA_ERROR) == dict.fromkeys(EXECUTION_METRICS)
    assert all(value is None for value in score_sample(code, Status.INFRA_ERROR).values())
