from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from codeeval.errors import RunNotFound, StoreError, UserError
from codeeval.store import GenerationRecord, TaskRecord
from codeeval.store.migrations import MIGRATIONS
from codeeval.store.owner import host_id
from codeeval.store.sql import SqlStore
from codeeval.types import CaseResult, ExecResult, RunSpec, SampleKey, SampleResult, Status


def _spec(**changes: object) -> RunSpec:
    values: dict[str, object] = dict(
        tasks=("quicksort",),
        models=("reference",),
        samples=2,
        temperature=0.0,
        lang="en",
        config={"samples": 2},
        machine={"cores": 2},
        task_hashes={"quicksort": "abc"},
        codeeval_version="0.1.0",
    )
    values.update(changes)
    return RunSpec(**values)  # type: ignore[arg-type]


def test_run_lifecycle_round_trips_everything(tmp_path: Path) -> None:
    store = SqlStore(str(tmp_path / "sub" / "results.db"))
    run_id = store.start_run(_spec())
    store.save_task(
        run_id, TaskRecord("quicksort", "abc", 2.5, True, "", "O(n log n)", ("sorting",))
    )
    key = SampleKey("quicksort", "reference", 0)
    generation = GenerationRecord(
        prompt="sort",
        text="```python\nx\n```",
        code="x",
        extract_method="fence",
        raw={"id": "r1", "usage": {"in": 3}},
        input_tokens=3,
        output_tokens=5,
        finish_reason="stop",
        latency_s=0.25,
        cost_usd=0.001,
        cache_key="k1",
    )
    store.save_generation(run_id, key, generation)
    execution = ExecResult(
        job_id="j",
        status=Status.FAILED,
        cases=(
            CaseResult("test_empty", Status.PASSED, "", 0.01),
            CaseResult("test_big", Status.FAILED, "assert", 0.5),
        ),
        duration_s=0.6,
        message="test_big failed",
        timings=((1000, 0.01), (2000, 0.02)),
    )
    store.save_result(
        run_id,
        SampleResult(
            key,
            Status.FAILED,
            {"compiles": 1.0, "pep8": None, "time_complexity": "O(n)"},
            execution,
        ),
    )
    store.finish_run(run_id, "finished")

    assert store.completed(run_id) == {key}
    assert store.generations(run_id)[key] == generation
    record = store.load_run(run_id)
    assert record.summary.status == "finished" and record.summary.graded == 1
    assert record.spec == _spec()
    assert record.tasks["quicksort"].time_limit_s == 2.5
    assert record.tasks["quicksort"].tags == ("sorting",)
    (row,) = record.samples
    assert row.generation == generation
    assert row.result is not None
    assert row.result.execution == execution
    assert row.result.scores == {"compiles": 1.0, "pep8": None, "time_complexity": "O(n)"}


def test_cache_finds_successful_generations_from_any_run(tmp_path: Path) -> None:
    store = SqlStore(str(tmp_path / "r.db"))
    first, second = store.start_run(_spec()), store.start_run(_spec())
    key = SampleKey("quicksort", "openai/gpt-4o", 0)
    store.save_generation(first, key, GenerationRecord(prompt="p", text="a", cache_key="same"))
    store.save_generation(
        second, key, GenerationRecord(prompt="p", text=None, error="500", cache_key="failed")
    )
    hit = store.cached_generation("same")
    assert hit is not None and hit[0] == first and hit[1].text == "a"
    assert store.cached_generation("failed") is None
    assert store.cached_generation("other") is None


def test_runs_are_listed_newest_first_and_reopened(tmp_path: Path) -> None:
    store = SqlStore(str(tmp_path / "r.db"))
    ids = [store.start_run(_spec(models=(f"m{i}",))) for i in range(3)]
    store.finish_run(ids[0], "interrupted")
    assert [run.id for run in store.runs(limit=2)] == [ids[2], ids[1]]
    store.reopen_run(ids[0])
    assert store.load_run(ids[0]).summary.status == "running"


def test_migrations_are_recorded_and_not_repeated(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    SqlStore(str(path)).close()
    SqlStore(str(path)).close()
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        versions = connection.execute(sa.text("select version from schema_migrations")).all()
    engine.dispose()
    assert versions == [(version,) for version in range(1, len(MIGRATIONS) + 1)]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _set_owner(path: Path, run_id: int, owner: str) -> None:
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(
            sa.text("update runs set owner = :o where id = :i"), {"o": owner, "i": run_id}
        )
    engine.dispose()


def test_a_run_whose_process_died_reads_as_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = SqlStore(str(path))
    run_id = store.start_run(_spec())
    assert store.runs()[0].status == "running"  # this very process owns it
    _set_owner(path, run_id, f"{host_id()}:{_dead_pid()}")
    assert store.runs()[0].status == "interrupted"
    assert store.load_run(run_id).summary.status == "interrupted"
    # On another machine nothing can be checked: the run is taken at its word.
    _set_owner(path, run_id, f"otherhost000:{_dead_pid()}")
    assert store.runs()[0].status == "running"
    store.reopen_run(run_id)  # resuming takes it over
    assert store.runs()[0].status == "running"


def test_resuming_a_run_another_live_process_owns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = SqlStore(str(path))
    run_id = store.start_run(_spec())
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as other:
        try:
            _set_owner(path, run_id, f"{host_id()}:{other.pid}")
            with pytest.raises(
                UserError, match=rf"run {run_id} is still running \(process {other.pid}"
            ):
                store.reopen_run(run_id)
        finally:
            other.kill()
    other.wait()
    store.reopen_run(run_id)  # now that it is gone, it can be resumed
    assert store.load_run(run_id).summary.status == "running"


def test_a_database_from_before_the_owner_column_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SqlStore(str(path))
    old_run = store.start_run(_spec())
    store.finish_run(old_run, "finished")
    store.close()
    # Back to schema version 1, as a database made before migration 2 existed.
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(sa.text("alter table runs drop column owner"))
        connection.execute(sa.text("delete from schema_migrations where version = 2"))
    engine.dispose()
    store = SqlStore(str(path))
    assert [run.status for run in store.runs()] == ["finished"]
    new_run = store.start_run(_spec())
    assert [run.status for run in store.runs()] == ["running", "finished"]
    assert store.load_run(new_run).summary.status == "running"


def test_no_column_can_hold_a_key(tmp_path: Path) -> None:
    store = SqlStore(str(tmp_path / "r.db"))
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    columns = {
        column["name"]
        for table in sa.inspect(engine).get_table_names()
        for column in sa.inspect(engine).get_columns(table)
    }
    engine.dispose()
    store.close()
    assert not [c for c in columns if "key" in c and c != "cache_key"]


def test_unknown_run_and_unopenable_database_are_one_line_errors(tmp_path: Path) -> None:
    store = SqlStore(str(tmp_path / "r.db"))
    with pytest.raises(StoreError, match="no run 42 in this database"):
        store.load_run(42)
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match="cannot open the results database"):
        SqlStore(str(tmp_path / "dir.db"))


def test_the_latest_comparable_run_shares_a_model_and_a_task_and_finished(db: str) -> None:
    store = SqlStore(db)
    try:
        alike = store.start_run(_spec(models=("a", "b"), tasks=("t1", "t2")))
        store.finish_run(alike, "finished")
        other_model = store.start_run(_spec(models=("c",), tasks=("t1",)))
        store.finish_run(other_model, "finished")
        other_task = store.start_run(_spec(models=("a",), tasks=("t3",)))
        store.finish_run(other_task, "finished")
        interrupted = store.start_run(_spec(models=("a",), tasks=("t1",)))
        store.finish_run(interrupted, "interrupted")
        current = store.start_run(_spec(models=("b", "z"), tasks=("t2",)))
        later = store.start_run(_spec(models=("b",), tasks=("t2",)))
        store.finish_run(later, "finished")
        found = store.latest_comparable_run(current)
        assert found is not None and found.id == alike and found.models == ("a", "b")
        assert store.latest_comparable_run(alike) is None
        with pytest.raises(RunNotFound) as missing:
            store.latest_comparable_run(99)
        assert missing.value.run_id == 99
    finally:
        store.close()


def test_the_latest_comparable_run_is_found_behind_any_number_of_others(tmp_path: Path) -> None:
    store = SqlStore(str(tmp_path / "results.db"))
    try:
        wanted = store.start_run(_spec(models=("m",)))
        store.finish_run(wanted, "finished")
        for _ in range(250):  # other models' runs in between (a shared database)
            store.finish_run(store.start_run(_spec(models=("other",))), "finished")
        current = store.start_run(_spec(models=("m",)))
        found = store.latest_comparable_run(current)
        assert found is not None and found.id == wanted
    finally:
        store.close()


def test_a_sample_the_infrastructure_failed_to_grade_is_not_completed(tmp_path: Path) -> None:
    # `--resume` grades again what only an infra_error result stands for.
    store = SqlStore(str(tmp_path / "results.db"))
    run_id = store.start_run(_spec())
    passed, lost = SampleKey("quicksort", "reference", 0), SampleKey("quicksort", "reference", 1)
    store.save_result(run_id, SampleResult(passed, Status.PASSED, {"pass@1": 1.0}))
    store.save_result(run_id, SampleResult(lost, Status.INFRA_ERROR, {"pass@1": None}))
    assert store.completed(run_id) == {passed}
    store.save_result(run_id, SampleResult(lost, Status.FAILED, {"pass@1": 0.0}))
    assert store.completed(run_id) == {passed, lost}
    store.close()


def test_the_last_good_night_skips_red_nights_other_matrices_and_later_runs(db: str) -> None:
    store = SqlStore(db)
    try:
        spec = _spec()
        ids = [store.start_run(spec) for _ in range(5)]
        for run_id in ids:
            store.finish_run(run_id, "finished")
        store.save_verdict(ids[0], "default", False, "first good")
        store.save_verdict(ids[1], "other", False, "another matrix")
        store.save_verdict(ids[2], "default", True, "red")
        store.save_verdict(ids[3], "default", True, "red again")
        # ids[4] has no verdict: a plain `codeeval run` is never a night's baseline
        found = store.last_good_run("default", before=ids[4] + 1)
        assert found is not None and found.id == ids[0]
        assert store.last_good_run("default", before=ids[0]) is None
        assert store.last_good_run("other", before=ids[4]) is not None
        verdict = store.verdict(ids[2])
        assert verdict is not None and (verdict.red, verdict.summary) == (True, "red")
        assert store.verdict(ids[4]) is None
    finally:
        store.close()


def test_a_verdict_keeps_its_baseline_and_problems_hostile_text_included(db: str) -> None:
    store = SqlStore(db)
    try:
        first, night = store.start_run(_spec()), store.start_run(_spec())
        hostile = {"kind": "regression", "model": "m\x00", "task_id": "t\ud800", "message": "x"}
        store.save_verdict(
            night,
            "default",
            True,
            "compared with run 1",
            baseline_run=first,
            baseline_reason="pinned as 'prod'",
            problems=[hostile, {"kind": "outage", "message": "m failed", "extra": "dropped"}],
        )
        verdict = store.verdict(night)
        assert verdict is not None
        assert (verdict.baseline_run, verdict.baseline_reason) == (first, "pinned as 'prod'")
        assert verdict.problems == (
            {"kind": "regression", "model": "m\\x00", "task_id": "t\\ud800", "message": "x"},
            {"kind": "outage", "model": None, "task_id": None, "message": "m failed"},
        )
        store.save_verdict(first, "default", False, "older style")
        older = store.verdict(first)
        assert older is not None and older.baseline_run is None and older.problems == ()
    finally:
        store.close()


def test_baselines_are_pinned_listed_replaced_and_deleted(db: str) -> None:
    store = SqlStore(db)
    try:
        spec = _spec()
        first, second = store.start_run(spec), store.start_run(spec)
        store.pin_baseline("prod", first)
        store.pin_baseline("canary", second)
        store.pin_baseline("prod", second)
        assert [(b.name, b.run_id) for b in store.named_baselines()] == [
            ("canary", second),
            ("prod", second),
        ]
        pinned = store.named_baseline("prod")
        assert pinned is not None and pinned.run_id == second
        with pytest.raises(RunNotFound):
            store.pin_baseline("prod", 999)
        assert store.delete_baseline("prod") is True
        assert store.delete_baseline("prod") is False
        assert store.named_baseline("prod") is None
    finally:
        store.close()
