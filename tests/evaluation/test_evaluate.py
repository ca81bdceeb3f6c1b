"""codeeval.evaluate as a library user calls it: the real sandbox, store and reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import codeeval
from codeeval.errors import BadConfig, RunNotFound


def test_a_run_returns_its_report_files_and_counts(tmp_path: Path) -> None:
    db = tmp_path / "results.db"
    first = codeeval.evaluate("quicksort", "reference", db=db, formats=["json"])
    assert (first.run_id, first.status, first.baseline) == (1, "finished", None)
    assert first.pass_at(1) == {"reference": 1.0}
    assert first.generations == {"api": 1, "cache": 0, "stored": 0, "error": 0}
    assert first.report_files == {"json": tmp_path / "results-reports" / "run-1" / "report.json"}
    stored = json.loads(first.report_files["json"].read_text())
    assert stored == json.loads(first.report.model_dump_json())
    assert not first.unwritten_reports and not first.warnings and not first.regressions
    assert first.default_models_note is None and not first.all_generations_failed
    second = codeeval.evaluate(
        tasks=["quicksort"], models=["reference"], db=db, baseline="latest", formats=()
    )
    assert second.run_id == 2 and second.baseline is not None and second.baseline.id == 1
    assert second.report.baseline_run == 1 and second.report_files == {}


def test_settings_are_checked_before_anything_runs(tmp_path: Path) -> None:
    db = tmp_path / "results.db"
    with pytest.raises(BadConfig, match="^evaluate\\(\\): fail_on_regression: unknown setting"):
        codeeval.evaluate("quicksort", db=db, fail_on_regression=True)
    with pytest.raises(BadConfig, match="^evaluate\\(\\): samples: "):
        codeeval.evaluate("quicksort", samples=0, db=db)
    with pytest.raises(BadConfig, match="^resume=1 finishes the run .* so tasks, temperature"):
        codeeval.evaluate("quicksort", resume=1, temperature=0.5, db=db)
    with pytest.raises(RunNotFound, match="^no run 7 in this database"):
        codeeval.evaluate(resume=7, db=db)
    with pytest.raises(RunNotFound, match="^no run 3 in this database"):
        codeeval.evaluate("quicksort", baseline=3, db=db)
    assert not db.exists() or codeeval.evaluate(resume=None, db=db, formats=()).run_id == 1


def test_a_report_that_cannot_be_written_is_returned_not_raised(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    (out / "run-1" / "report.md").mkdir(parents=True)
    result = codeeval.evaluate(
        "quicksort", "reference", db=tmp_path / "r.db", out=out, formats=("json", "markdown")
    )
    assert list(result.report_files) == ["json"]
    (unwritten,) = result.unwritten_reports
    assert (unwritten.format, unwritten.path) == ("markdown", out / "run-1" / "report.md")
