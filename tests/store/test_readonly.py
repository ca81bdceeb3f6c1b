"""`runs`, `show` and `report` only read: a database that does not exist is refused, untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codeeval.errors import StoreError
from codeeval.store.sql import SqlStore
from tests.servers.postgres import PostgresServer

READ_ONLY = (["runs"], ["show", "1"], ["report", "1"])


def _codeeval(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "CODEEVAL_CONFIG"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "codeeval", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ")
    for needle in needles:
        assert needle in line, (needle, line)
    return line


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: c[0])
def test_a_mistyped_db_is_refused_and_nothing_is_created(
    tmp_path: Path, command: list[str]
) -> None:
    line = _one_line_error(
        _codeeval(tmp_path, *command, "--db", "typo/results.db"),
        "no results database at typo/results.db",
        "--db",
    )
    assert "python -m codeeval run --db typo/results.db" in line  # run first, to make it
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_missing_is_refused_too(tmp_path: Path) -> None:
    line = _one_line_error(
        _codeeval(tmp_path, "runs"), "no results database at codeeval-results/codeeval.db"
    )
    assert line.endswith("python -m codeeval run --db codeeval-results/codeeval.db")
    done = _codeeval(tmp_path, "show", "3", env={"CODEEVAL_DB": "elsewhere/x.db"})
    _one_line_error(done, "no results database at elsewhere/x.db")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_or_database_gets_no_tables(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="holds no codeeval results"):
        SqlStore(str(empty), create=False)
    assert empty.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_an_empty_postgresql_database_gets_no_tables(postgres: PostgresServer) -> None:
    database = postgres.new_database()
    with pytest.raises(StoreError, match="holds no codeeval results"):
        SqlStore(postgres.url(database), create=False)
    tables = "select count(*) from information_schema.tables where table_schema = 'public'"
    assert postgres.admin_sql(tables, database).strip() == "0"


def test_an_existing_database_is_read(tmp_path: Path) -> None:
    SqlStore(str(tmp_path / "r.db")).close()
    store = SqlStore(str(tmp_path / "r.db"), create=False)
    assert store.runs() == []
    store.close()
    assert "no runs yet" in _codeeval(tmp_path, "runs", "--db", "r.db").stdout
