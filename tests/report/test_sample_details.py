"""Every sample's details in the report: prompt, answer, code, error, stdout, style, timings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codeeval.report import build_report_for
from codeeval.scoring import scores_to_store
from codeeval.store import GenerationRecord, RunRecord, SampleRow
from codeeval.store.sql import SqlStore
from codeeval.types import CaseResult, ExecResult, SampleKey, SampleResult, Status
from tests.report.test_build import _run
from tests.report.test_stored import _stored

UGLY = "def double(x) :\n  return 2*x\n"


def _graded(
    key: SampleKey, status: Status, code: str | None, execution: ExecResult | None
) -> SampleRow:
    generation = GenerationRecord(
        prompt=f"Write {key.task_id}.",
        text=f"Here:\n```python\n{code}```" if code else "I cannot help.",
        code=code,
        extract_method="fence" if code else "none",
    )
    scores = scores_to_store(code, status, execution.timings if execution else ())
    return SampleRow(key, generation, SampleResult(key, status, scores, execution))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = SqlStore(str(tmp_path / "results.db"))
    yield opened
    opened.close()


def _with_rows(rows: list[SampleRow]) -> RunRecord:
    base = _run(0, {(row.key.task_id, row.key.model): [Status.PASSED] for row in rows})
    return RunRecord(base.summary, base.spec, base.tasks, tuple(rows))


def test_every_sample_that_did_not_pass_says_why_after_a_store_round_trip(
    store: SqlStore,
) -> None:
    failing = ExecResult(
        "1",
        Status.FAILED,
        cases=(
            CaseResult("test_small", Status.PASSED),
            CaseResult("test_negative", Status.FAILED, "double(-1) returned -3, expected -2"),
        ),
        stdout="debug line\n",
        timings=((10, 0.001), (100, 0.01)),
    )
    crashed = ExecResult("2", Status.ERROR, message="ZeroDivisionError: division by zero")
    rows = [
        _graded(SampleKey("a", "m", 0), Status.FAILED, UGLY, failing),
        _graded(SampleKey("b", "m", 0), Status.ERROR, "def f(): 1/0\n", crashed),
        _graded(SampleKey("c", "m", 0), Status.NO_CODE, None, None),
        SampleRow(
            SampleKey("d", "m", 0),
            GenerationRecord(prompt="p", text=None, error="HTTP 500 from the API"),
            None,
        ),
    ]
    run_id = _stored(store, _with_rows(rows))
    samples = {s.task_id: s for s in build_report_for(store, run_id).samples}
    assert samples["a"].error == "test_negative: double(-1) returned -3, expected -2"
    assert samples["a"].failing_test == "test_negative"
    assert samples["b"].error == "ZeroDivisionError: division by zero"
    assert samples["c"].error == "the response held no code to run"
    assert samples["d"].error == "HTTP 500 from the API"
    assert samples["d"].status == "generation_error"
    a = samples["a"]
    assert (a.prompt, a.code, a.stdout) == ("Write a.", UGLY, "debug line\n")
    assert a.response is not None and a.response.startswith("Here:\n```python")
    assert [(v.line, v.code) for v in a.pep8] == [(1, "E203"), (2, "E111")]
    assert a.timings == [(10, 0.001), (100, 0.01)]


def test_huge_answers_are_cut_with_a_visible_note(store: SqlStore) -> None:
    from codeeval.report.samples import MAX_TEXT_CHARS

    huge = "x = 1\n" * (MAX_TEXT_CHARS // 3)
    execution = ExecResult("1", Status.FAILED, message="m", stdout="o" * 10 * MAX_TEXT_CHARS)
    run_id = _stored(
        store, _with_rows([_graded(SampleKey("a", "m", 0), Status.FAILED, huge, execution)])
    )
    (sample,) = build_report_for(store, run_id).samples
    assert sample.code is not None and sample.stdout is not None
    assert len(sample.code) < MAX_TEXT_CHARS + 200
    assert sample.code.endswith(f"[cut here: {len(huge) - MAX_TEXT_CHARS} more characters]")
    assert len(sample.stdout) < MAX_TEXT_CHARS
    assert "more characters]" in sample.stdout


def test_timings_come_per_input_family_with_the_clock(store: SqlStore) -> None:
    from codeeval.types import FamilyTiming, TimedPoint, TimingResult

    timing = TimingResult(
        families=(
            FamilyTiming("random", (TimedPoint(10, 0.001), TimedPoint(100, 0.01))),
            FamilyTiming("sorted", (TimedPoint(10, 0.002), TimedPoint(100, 0.5, verified=False))),
        ),
        clock="wall",
    )
    execution = ExecResult("1", Status.PASSED, timings=timing.pairs(), timing=timing)
    row = _graded(SampleKey("a", "m", 0), Status.PASSED, "def f():\n    return 1\n", execution)
    run_id = _stored(store, _with_rows([row]))
    (sample,) = build_report_for(store, run_id).samples
    assert sample.timings_by_family == {
        "random": [(10, 0.001), (100, 0.01)],
        "sorted": [(10, 0.002)],  # the point that failed verification is left out
    }
    assert sample.timing_clock == "wall"
    assert sample.error is None
