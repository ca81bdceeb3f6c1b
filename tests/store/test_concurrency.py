"""Runs that start together on a new database all get the schema made once, and their runs.

Each round opens one new database from several processes (or threads) released at the same
instant by a barrier, as two nightly jobs or two shells started together would. Every opener
must succeed, the migrations must be recorded once each, and every run must be there.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from codeeval.store.migrations import MIGRATIONS
from codeeval.store.sql import SqlStore
from tests.servers.postgres import PostgresServer
from tests.store.test_text import _spec

ROUNDS = 15  # before the schema lock, about two opens in three failed
PG_ROUNDS = 10  # a new PostgreSQL database costs about 0.2 s
OPENERS = 3


def _open_and_start(db: str) -> str | None:
    """Open the store and record one run; the error as text, or None."""
    try:
        store = SqlStore(db)
        try:
            store.start_run(_spec("concurrent"))
        finally:
            store.close()
    except Exception:  # noqa: BLE001  (any failure is the finding)
        return traceback.format_exc(limit=3)
    return None


def _opener(databases: list[str], barrier: Any, errors: Any) -> None:
    for db in databases:
        barrier.wait(timeout=120)
        error = _open_and_start(db)
        if error is not None:
            errors.put(error)


def _in_processes(databases: list[str]) -> list[str]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, as a second job is
    barrier, errors = context.Barrier(OPENERS), context.Queue()
    workers = [
        context.Process(target=_opener, args=(databases, barrier, errors)) for _ in range(OPENERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=600)
        assert worker.exitcode == 0
    found = []
    while not errors.empty():
        found.append(errors.get())
    return found


def _in_threads(databases: list[str]) -> list[str]:
    barrier: threading.Barrier = threading.Barrier(OPENERS)
    found: list[str] = []

    class _Errors:
        def put(self, error: str) -> None:
            found.append(error)

    threads = [
        threading.Thread(target=_opener, args=(databases, barrier, _Errors()))
        for _ in range(OPENERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return found


def _check(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        versions = connection.scalars(sa.text("select version from schema_migrations")).all()
        started = connection.scalar(sa.text("select count(*) from runs"))
    engine.dispose()
    assert sorted(versions) == list(range(1, len(MIGRATIONS) + 1))
    assert started == OPENERS


def _rounds(
    make: Callable[[int], tuple[str, str]],
    run: Callable[[list[str]], list[str]],
    rounds: int = ROUNDS,
) -> None:
    made = [make(index) for index in range(rounds)]
    errors = run([db for db, _ in made])
    assert not errors, f"{len(errors)} of {rounds * OPENERS} opens failed:\n{errors[0]}"
    for _, url in made:
        _check(url)


def _sqlite(tmp_path: Path) -> Callable[[int], tuple[str, str]]:
    return lambda index: (str(tmp_path / f"r{index}.db"), f"sqlite:///{tmp_path}/r{index}.db")


def test_processes_opening_a_new_sqlite_file_together(tmp_path: Path) -> None:
    _rounds(_sqlite(tmp_path), _in_processes)


def test_threads_opening_a_new_sqlite_file_together(tmp_path: Path) -> None:
    _rounds(_sqlite(tmp_path), _in_threads)


def _postgresql(postgres: PostgresServer) -> Callable[[int], tuple[str, str]]:
    def make(_: int) -> tuple[str, str]:
        url = postgres.url(postgres.new_database())
        return url, url.replace("postgresql://", "postgresql+psycopg://")

    return make


def test_processes_opening_a_new_postgresql_database_together(postgres: PostgresServer) -> None:
    _rounds(_postgresql(postgres), _in_processes, PG_ROUNDS)


def test_threads_opening_a_new_postgresql_database_together(postgres: PostgresServer) -> None:
    _rounds(_postgresql(postgres), _in_threads, PG_ROUNDS)


def test_two_runs_started_together_on_one_new_database_both_finish(db: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CODEEVAL_CONFIG"}
    command = [sys.executable, "-m", "codeeval", "run", "--tasks", "quicksort", "--model"]
    runs = [
        subprocess.Popen(
            [*command, model, "--db", db, "--json"],
            cwd=tmp_path,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for model in ("reference", "reference")
    ]
    reports = []
    for process in runs:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        reports.append(json.loads(stdout))
    assert sorted(report["run"]["id"] for report in reports) == [1, 2]
    store = SqlStore(db, create=False)
    summaries = store.runs()
    store.close()
    assert [(s.status, s.graded) for s in summaries] == [("finished", 1), ("finished", 1)]
