"""Migrations are frozen: migration 1 makes the first release's tables, whatever came later.

`data/first-release.db` was written by the first release's own code (commit 8e70598, see
`data/make_first_release.py`), and `data/first-release.postgresql.sql` is the DDL its
migration 1 emitted for PostgreSQL. Each is upgraded here to today's schema and read back.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from codeeval.store import migrations
from codeeval.store.sql import SqlStore
from codeeval.types import SampleKey, Status
from tests.servers.postgres import PostgresServer

DATA = Path(__file__).parent / "data"
FIRST_RELEASE_TABLES = ("runs", "run_tasks", "generations", "results")
TABLES = (*FIRST_RELEASE_TABLES, "verdicts", "baselines")


def _structure(engine: sa.Engine) -> dict[str, Any]:
    """Every codeeval table's columns, keys and indexes, as the database reports them."""
    inspector = sa.inspect(engine)
    return {
        table: {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            ],
            "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign_keys": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
                for ix in inspector.get_indexes(table)
            ),
        }
        for table in TABLES
        if inspector.has_table(table)
    }


def _sqlite_engine(path: Path) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{path}")


def _postgresql_engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def _first_release_on_postgresql(url: str) -> sa.Engine:
    """An engine on `url` after the first release's DDL ran there as the role (its owner)."""
    engine = _postgresql_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql((DATA / "first-release.postgresql.sql").read_text())
    return engine


def _apply_first_migration(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        migrations.MIGRATIONS[0](connection)


def test_migration_1_makes_the_first_releases_tables_on_sqlite(tmp_path: Path) -> None:
    first, today = _sqlite_engine(DATA / "first-release.db"), _sqlite_engine(tmp_path / "m1.db")
    _apply_first_migration(today)
    try:
        assert _structure(today) == _structure(first)
    finally:
        first.dispose()
        today.dispose()


def test_migration_1_makes_the_first_releases_tables_on_postgresql(
    postgres: PostgresServer,
) -> None:
    first_db, today_db = postgres.new_database(), postgres.new_database()
    postgres.admin_sql((DATA / "first-release.postgresql.sql").read_text(), first_db)
    first, today = (
        _postgresql_engine(postgres.url(first_db)),
        _postgresql_engine(postgres.url(today_db)),
    )
    _apply_first_migration(today)
    try:
        assert _structure(today) == _structure(first)
    finally:
        first.dispose()
        today.dispose()


def test_the_migrations_make_the_tables_the_store_queries(db: str) -> None:
    """Every column the code reads was added by some migration (none was only declared)."""
    SqlStore(db).close()
    url = db if "://" in db else f"sqlite:///{db}"
    migrated = _postgresql_engine(url) if "://" in db else sa.create_engine(url)
    declared = sa.create_engine("sqlite://")
    migrations.metadata.create_all(declared)
    try:
        names = {t: [c[0] for c in s["columns"]] for t, s in _structure(migrated).items()}
        assert names == {t: [c[0] for c in s["columns"]] for t, s in _structure(declared).items()}
    finally:
        migrated.dispose()
        declared.dispose()


def _check_upgraded(db: str) -> None:
    store = SqlStore(db)
    try:
        assert [(s.id, s.status, s.graded) for s in store.runs()] == [
            (2, "interrupted", 0),
            (1, "finished", 1),
        ]
        finished = store.load_run(1)
        assert finished.spec.lang == "zh" and finished.tasks["quicksort"].problem == "快速排序"
        (sample,) = finished.samples
        assert sample.generation is not None and sample.generation.prompt == "写一个快速排序"
        assert sample.result is not None and sample.result.status is Status.PASSED
        assert sample.result.execution is not None
        assert sample.result.execution.timings == ((1000, 0.01),)
        store.reopen_run(2)  # resume the interrupted one: its failed generation is there
        generation = store.generations(2)[SampleKey("quicksort", "replay/answers.jsonl", 0)]
        assert generation.error == "HTTP 500"
        assert store.load_run(2).summary.status == "running"
        assert store.start_run(finished.spec) == 3
    finally:
        store.close()


def test_a_sqlite_database_of_the_first_release_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "first-release.db"
    shutil.copy(DATA / "first-release.db", path)
    _check_upgraded(str(path))
    connection = sqlite3.connect(path)
    versions = connection.execute("select version from schema_migrations").fetchall()
    connection.close()
    assert versions == [(v,) for v in range(1, len(migrations.MIGRATIONS) + 1)]


def test_a_postgresql_database_of_the_first_release_is_upgraded(
    postgres: PostgresServer,
) -> None:
    database = postgres.new_database()
    engine = _first_release_on_postgresql(postgres.url(database))
    source = sqlite3.connect(DATA / "first-release.db")
    try:
        with engine.begin() as connection:
            for table in FIRST_RELEASE_TABLES:
                cursor = source.execute(f"select * from {table}")  # noqa: S608
                names = [column[0] for column in cursor.description]
                rows = [dict(zip(names, row, strict=True)) for row in cursor]
                target = sa.Table(table, sa.MetaData(), autoload_with=connection)
                if rows:
                    connection.execute(target.insert(), rows)
            connection.execute(sa.text("select setval('runs_id_seq', 2)"))
    finally:
        source.close()
        engine.dispose()
    _check_upgraded(postgres.url(database))
    versions = postgres.admin_sql("select version from schema_migrations order by 1", database)
    assert versions.split() == [str(v) for v in range(1, len(migrations.MIGRATIONS) + 1)]


@pytest.mark.parametrize("name", ["first-release.db", "first-release.postgresql.sql"])
def test_the_first_release_files_are_small(name: str) -> None:
    assert (DATA / name).stat().st_size < 64_000
