"""What turns a night red: regressions, outages beyond the share, failing references."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from codeeval.config import build_settings
from codeeval.nightly import NightlyPolicy, decide, run_nightly
from codeeval.report.comparison import compare_runs
from codeeval.store import TaskRecord, open_store
from tests.report.test_build import DOWN, F, P, _run


def test_an_outage_is_a_model_with_no_success_or_failures_beyond_the_share() -> None:
    record = _run(
        2,
        {("a", "up"): [P] * 25, ("a", "flaky"): [P] * 9 + [DOWN], ("a", "down"): [DOWN] * 3}
        | {("b", "up"): [DOWN]},
        samples=25,
    )
    verdict = decide(record, None, None, reason="", max_failure_share=0.05)
    outages = [(p.kind, p.model) for p in verdict.problems]
    # up: 1 of 26 failed (3.8%); flaky: 1 of 10 (10%); down: all
    assert outages == [("outage", "flaky"), ("outage", "down")]
    assert verdict.red
    assert verdict.summary == (
        "no earlier good night of this matrix: 2 outages (a red night never becomes the baseline)"
    )
    tolerant = decide(record, None, None, reason="", max_failure_share=0.5)
    assert [p.model for p in tolerant.problems] == ["down"]  # no success at all: always


def test_a_regression_and_a_failing_reference_are_counted_in_the_summary() -> None:
    before = _run(1, {("a", "m"): [P, P], ("b", "m"): [P, P]})
    now = _run(2, {("a", "m"): [F, F], ("b", "m"): [P, P]})
    now = replace(
        now,
        tasks={**now.tasks, "c": TaskRecord("c", "hash-c", None, False, "tests fail on it")},
    )
    comparison = compare_runs(now, before, reason="last good night")
    verdict = decide(now, comparison, before.summary, reason="last good night")
    assert [p.kind for p in verdict.problems] == ["regression", "regression", "reference_failing"]
    assert verdict.summary == (
        "compared with run 1 (2026-12-07, last good night): 2 regressions, 1 failing reference; "
        "1 new task(s)"
    )
    assert verdict.problems[1].message == "m on a: pass@1 100% → 0%, Fisher exact p=0.333"
    quiet = decide(before, compare_runs(before, before), before.summary, reason="given")
    assert not quiet.red
    assert quiet.summary == "compared with run 1 (2026-12-07, given): no regression, no outage"


def test_run_nightly_is_a_library_call(tmp_path: Path) -> None:
    db = str(tmp_path / "nights.db")
    settings = build_settings(
        {"tasks": ("quicksort",), "models": ("reference",), "db": db, "formats": ("json",)}
    )
    first = run_nightly(settings, NightlyPolicy(name="lib"))
    assert (first.run_id, first.exit_code) == (1, 0)
    assert first.verdict.summary == "no earlier run of this matrix: this night becomes the baseline"
    assert set(first.report_files) == {"json"} and first.report_files["json"].is_file()
    store = open_store(db)
    try:
        store.pin_baseline("prod", 1)
    finally:
        store.close()
    second = run_nightly(settings, NightlyPolicy(name="lib", baseline="prod"))
    assert second.report.comparison is not None and second.report.comparison.baseline_run == 1
    assert second.verdict.summary.endswith("pinned as 'prod'): no regression, no outage")
    store = open_store(db)
    try:
        stored = store.verdict(second.run_id)
        first_stored = store.verdict(first.run_id)
    finally:
        store.close()
    assert stored is not None and (stored.baseline_run, stored.baseline_reason) == (
        1,
        "pinned as 'prod'",
    )
    assert stored.problems == () and not stored.red
    assert first_stored is not None and first_stored.baseline_run is None
