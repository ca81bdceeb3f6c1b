"""Reports of runs in a real store: the baseline chosen, both runs loaded, files written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeeval.errors import BadConfig, RunNotFound, UnknownName
from codeeval.report import build_report_for, find_baseline, write_reports
from codeeval.store import RunRecord
from codeeval.store.sql import SqlStore
from tests.report.test_build import F, P, _run


def _stored(store: SqlStore, record: RunRecord, status: str = "finished") -> int:
    run_id = store.start_run(record.spec)
    for task in record.tasks.values():
        store.save_task(run_id, task)
    for row in record.samples:
        assert row.generation is not None
        store.save_generation(run_id, row.key, row.generation)
        if row.result is not None:
            store.save_result(run_id, row.result)
    store.finish_run(run_id, status)
    return run_id


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = SqlStore(str(tmp_path / "results.db"))
    yield opened
    opened.close()


def test_the_baseline_is_a_run_id_or_the_latest_comparable_run(store: SqlStore) -> None:
    good = _stored(store, _run(0, {("a", "m"): [P, P]}))
    _stored(store, _run(0, {("a", "other"): [F]}))  # shares no model
    _stored(store, _run(0, {("a", "m"): [F]}), status="interrupted")
    now = _stored(store, _run(0, {("a", "m"): [F, F]}))
    assert find_baseline(store, now, None) is None
    latest = find_baseline(store, now, "latest")
    assert latest is not None and latest.id == good
    given = [find_baseline(store, now, wanted) for wanted in (good, str(good))]
    assert [summary.id for summary in given if summary] == [good, good]
    wrong = r"^--baseline: 'last': give a run id, 'latest' or the name of a pinned baseline "
    with pytest.raises(BadConfig, match=wrong + r"\(pinned here: none yet\)$"):
        find_baseline(store, now, "last")
    with pytest.raises(RunNotFound) as missing:
        find_baseline(store, now, 99)
    assert missing.value.run_id == 99
    data = build_report_for(store, now, baseline="latest")
    assert data.run.id == now and data.baseline_run == good
    assert [(r.model, r.task_id, r.current) for r in data.regressions] == [
        ("m", None, 0.0),
        ("m", "a", 0.0),
    ]
    assert build_report_for(store, now).regressions == []
    assert find_baseline(store, good, "latest") is None


def test_one_file_per_format_and_each_failure_named(store: SqlStore, tmp_path: Path) -> None:
    data = build_report_for(store, _stored(store, _run(0, {("a", "m"): [P]})))
    folder = tmp_path / "reports" / "run-1"
    files = write_reports(data, folder, ["json", "markdown"])
    assert files.written == {"json": folder / "report.json", "markdown": folder / "report.md"}
    assert json.loads(files.written["json"].read_text())["run"]["id"] == data.run.id
    assert not files.failed
    (folder / "report.html").mkdir()  # a folder in the way of the file
    again = write_reports(data, folder, ["html", "json"])
    assert list(again.written) == ["json"]
    (failed,) = again.failed
    assert (failed.format, failed.path, failed.reason) == (
        "html",
        folder / "report.html",
        "Is a directory",
    )
    with pytest.raises(UnknownName, match="unknown renderer 'pdf'"):
        write_reports(data, folder, ["pdf"])
