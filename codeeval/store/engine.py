"""Opening a results database: URL, driver, a check that it is codeeval's, migrations.

Nothing is written to a database before it is known to be empty or codeeval's; a command that
only reads (`create=False`) never makes a file, a folder or a table.
"""

from __future__ import annotations

import shlex
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from codeeval.errors import MissingDependency, StoreError
from codeeval.store.migrations import (
    ADDED_BY_MIGRATIONS,
    generations,
    migrate,
    results,
    run_tasks,
    runs,
)
from codeeval.store.urls import POSTGRES_DRIVER, is_url, masked, parse, scrub, sqlite_file

# How long SQLite waits for another writer's lock (two runs starting together).
_LOCK_WAIT_S = 30.0


def open_engine(db: str, create: bool = True) -> sa.Engine:
    """An engine on the database `db` names, its schema checked and migrated.

    Args:
        db: a file path (SQLite) or a database URL (see `codeeval.store.urls`).
        create: make the database and its tables when missing; without it, a database that
            does not exist or holds no codeeval tables is refused and left as it was.

    Raises:
        StoreError: the database cannot be opened, is not codeeval's, or (without `create`)
            does not exist. No message holds the URL's password.
        MissingDependency: the URL's driver is not installed.
    """
    shown = masked(db)
    if not create:
        _refuse_missing_file(db)
    url = database_url(db, create=create)
    sqlite = sa.engine.make_url(url).get_backend_name() == "sqlite"
    try:
        wait = {"timeout": _LOCK_WAIT_S} if sqlite else {}
        engine = sa.create_engine(url, connect_args=wait)
    except ImportError as exc:  # the URL names a database whose driver is not installed
        raise _missing_driver(exc, url) from None
    try:
        present = _check_schema(engine, shown)  # before anything is written
        if not create and runs.name not in present:
            raise StoreError(
                f"{shown} holds no codeeval results (it has no {runs.name!r} table); "
                f"{_WHICH_DB}: {_first_run(db)}"
            )
        if sqlite:  # WAL writes to the file: only once it is known to be ours
            engine.dispose()
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        migrate(engine)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        detail = scrub(str(exc).splitlines()[0], db)
        raise StoreError(
            f"cannot open the results database {shown!r}: {exc.__class__.__name__}: "
            f"{detail}; pass --db PATH or set CODEEVAL_DB"
        ) from None
    except BaseException:
        engine.dispose()
        raise
    return engine


def database_url(db: str, create: bool = True) -> str | sa.URL:
    """A SQLAlchemy URL for `db`: a URL (see `codeeval.store.urls`), or a SQLite file path.

    With `create`, the folder of a SQLite file is made when missing.

    Raises:
        StoreError: `db` is a URL SQLAlchemy cannot parse.
    """
    if not is_url(db):
        path = Path(db).expanduser()
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    try:
        return parse(db)
    except ValueError as exc:
        raise StoreError(f"--db {exc}") from None


def _missing_driver(exc: ImportError, url: str | sa.URL) -> MissingDependency:
    module = (exc.name or str(exc)).split(".")[0]
    scheme = sa.engine.make_url(url).drivername
    why = f" (the driver for --db {scheme.removesuffix('+' + POSTGRES_DRIVER)}:// URLs)"
    if module == POSTGRES_DRIVER:
        return MissingDependency(module, extra="postgres", why=why)
    return MissingDependency(module, install=_DRIVER_PACKAGES.get(module, module), why=why)


# Modules SQLAlchemy imports for a URL, and the package that provides each.
_DRIVER_PACKAGES = {
    "psycopg2": "psycopg2-binary",
    "asyncpg": "asyncpg",
    "pymysql": "pymysql",
    "MySQLdb": "mysqlclient",
    "mysql": "mysql-connector-python",
    "oracledb": "oracledb",
    "pyodbc": "pyodbc",
    "pymssql": "pymssql",
}


_WHICH_DB = "pass --db the database your runs wrote to, or make this one with a run"


def _first_run(db: str) -> str:
    return f"python -m codeeval run --db {shlex.quote(masked(db))}"


def _refuse_missing_file(db: str) -> None:
    """Refuse a SQLite database file that does not exist (a read-only command must not make one).

    Raises:
        StoreError: the file does not exist.
    """
    path = sqlite_file(db)
    if path is not None and not path.exists():
        raise StoreError(f"no results database at {db}; {_WHICH_DB}: {_first_run(db)}")


def _check_schema(engine: sa.Engine, db: str) -> set[str]:
    """Refuse, before writing anything, a database whose tables are not codeeval's.

    Returns:
        The names of the tables the database holds.
    """
    inspector = sa.inspect(engine)
    present = set(inspector.get_table_names())
    for table in (runs, run_tasks, generations, results):
        if table.name not in present:
            continue
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        missing = [
            column.name
            for column in table.columns
            if column.name not in columns and (table.name, column.name) not in ADDED_BY_MIGRATIONS
        ]
        if missing:
            raise StoreError(
                f"{db!r} is not a codeeval results database: its table {table.name!r} has no "
                f"column {missing[0]!r}; pass --db a new file or an existing codeeval database"
            )
    return present


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(_LOCK_WAIT_S * 1000)}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        _switch_to_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    """Put a new database file in WAL mode (it stays so), waiting for other openers.

    SQLite answers "database is locked" at once, without its busy timeout, when another
    connection holds the file while the mode changes (two runs opening one new file).
    """
    deadline = time.monotonic() + _LOCK_WAIT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
