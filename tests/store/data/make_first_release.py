"""Made the first release's database files here; kept to show how (it needs that release's code).

    git -C CHECKOUT archive 8e70598 codeeval | tar -x -C /tmp/first
    PYTHONPATH=/tmp/first python tests/store/data/make_first_release.py tests/store/data

writes `first-release.db` (a SQLite database written by the first release's SqlStore: one
finished run, one interrupted run) and `first-release.postgresql.sql` (the DDL its migration 1
emits for PostgreSQL, with the `schema_migrations` row it recorded).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import sqlalchemy as sa

from codeeval.store import GenerationRecord, TaskRecord
from codeeval.store import migrations as first_release
from codeeval.store.sql import SqlStore
from codeeval.types import CaseResult, ExecResult, RunSpec, SampleKey, SampleResult, Status


def _spec(models: tuple[str, ...]) -> RunSpec:
    return RunSpec(
        tasks=("quicksort",),
        models=models,
        samples=1,
        temperature=0.0,
        lang="zh",
        config={"samples": 1, "lang": "zh", "db": "codeeval-results/codeeval.db"},
        machine={"cores": 2},
        task_hashes={"quicksort": "abc123"},
        codeeval_version="0.1.0",
    )


def make_sqlite(path: Path) -> None:
    path.unlink(missing_ok=True)
    store = SqlStore(str(path))
    finished = store.start_run(_spec(("reference",)))
    task = TaskRecord("quicksort", "abc123", 2.5, True, "快速排序", "O(n log n)")
    store.save_task(finished, task)
    key = SampleKey("quicksort", "reference", 0)
    store.save_generation(
        finished,
        key,
        GenerationRecord(
            prompt="写一个快速排序",
            text="```python\ndef f(): pass\n```",
            code="def f(): pass\n",
            extract_method="fence",
            raw={"id": "r1"},
            input_tokens=3,
            output_tokens=5,
            cache_key="k1",
        ),
    )
    execution = ExecResult(
        job_id="j1",
        status=Status.PASSED,
        cases=(CaseResult("test_small", Status.PASSED, "", 0.01),),
        duration_s=0.02,
        message="",
        timings=((1000, 0.01),),
    )
    store.save_result(finished, SampleResult(key, Status.PASSED, {"compiles": 1.0}, execution))
    store.finish_run(finished, "finished")
    interrupted = store.start_run(_spec(("replay/answers.jsonl",)))
    store.save_generation(
        interrupted,
        SampleKey("quicksort", "replay/answers.jsonl", 0),
        GenerationRecord(prompt="p", text=None, error="HTTP 500"),
    )
    store.finish_run(interrupted, "interrupted")
    store.close()
    connection = sqlite3.connect(path)  # one self-contained file: no WAL beside it
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute("VACUUM")
    connection.close()


def postgresql_ddl() -> str:
    statements: list[str] = []

    def record(sql: sa.schema.ExecutableDDLElement, *_: object, **__: object) -> None:
        statements.append(str(sql.compile(dialect=engine.dialect)).strip() + ";")

    engine = sa.create_mock_engine("postgresql+psycopg://", record)
    first_release.metadata.create_all(engine, checkfirst=False)
    first_release._applied.create(engine, checkfirst=False)  # noqa: SLF001
    statements.append(
        "INSERT INTO schema_migrations (version, applied_at) "
        "VALUES (1, '2026-11-28T16:00:00+00:00');"
    )
    return "\n\n".join(statements) + "\n"


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    make_sqlite(folder / "first-release.db")
    (folder / "first-release.postgresql.sql").write_text(postgresql_ddl())
