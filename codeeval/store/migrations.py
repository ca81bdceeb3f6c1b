"""Numbered schema migrations, applied in order when a store is opened; the tables as now.

Each migration is a function of a connection that spells out the tables and columns it adds
(as simonw/llm's migrations do), so that it does the same on every database whenever it runs;
the `schema_migrations` table records which ran. Never edit a released migration: append a new
one, and add its columns to the tables below, which describe the schema the queries see once
every migration has run (`tests/store/test_migrations.py` checks that the two agree, and that
migration 1 still makes exactly the first release's tables).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa

metadata = sa.MetaData()

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("spec_json", sa.Text, nullable=False),
    # "<host id>:<pid>" of the process running it, so a run whose process died is told apart
    # from one still running (migration 2).
    sa.Column("owner", sa.String(200)),
)

# Columns that later migrations add: a database opened before they ran lacks them.
ADDED_BY_MIGRATIONS = frozenset({("runs", "owner")})

run_tasks = sa.Table(
    "run_tasks",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("task_id", sa.String(200), primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("time_limit_s", sa.Float),
    sa.Column("reference_ok", sa.Boolean, nullable=False),
    sa.Column("problem", sa.Text, nullable=False, default=""),
    sa.Column("optimal_complexity", sa.String(32)),
    sa.Column("tags_json", sa.Text, nullable=False, default="[]"),
)


def _sample_key() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("task_id", sa.String(200), primary_key=True),
        sa.Column("model", sa.String(300), primary_key=True),
        sa.Column("sample_index", sa.Integer, primary_key=True),
    )


generations = sa.Table(
    "generations",
    metadata,
    *_sample_key(),
    sa.Column("cache_key", sa.String(64), index=True),
    sa.Column("prompt", sa.Text, nullable=False),
    sa.Column("text", sa.Text),
    sa.Column("code", sa.Text),
    sa.Column("extract_method", sa.String(64), nullable=False, default=""),
    sa.Column("raw_json", sa.Text),
    sa.Column("input_tokens", sa.Integer),
    sa.Column("output_tokens", sa.Integer),
    sa.Column("finish_reason", sa.String(64)),
    sa.Column("latency_s", sa.Float),
    sa.Column("first_token_s", sa.Float),
    sa.Column("served_model", sa.String(300)),
    sa.Column("peak_memory_mb", sa.Float),
    sa.Column("cost_usd", sa.Float),
    sa.Column("attempts", sa.Integer, nullable=False, default=1),
    sa.Column("error", sa.Text),
    sa.Column("cached_from_run", sa.Integer),
    sa.Column("created_at", sa.String(32), nullable=False),
)

results = sa.Table(
    "results",
    metadata,
    *_sample_key(),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("scores_json", sa.Text, nullable=False),
    sa.Column("execution_json", sa.Text),
    sa.Column("created_at", sa.String(32), nullable=False),
)


# A nightly's verdict on each of its runs (migration 3): the last good night of a matrix is the
# newest run of that nightly whose verdict was not red.
verdicts = sa.Table(
    "verdicts",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("matrix", sa.String(200), nullable=False, index=True),
    sa.Column("red", sa.Boolean, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    # The run the night was compared with, why that one, and the verdict's problems as a
    # JSON list of {kind, model, task_id, message} (migration 4; NULL on older verdicts).
    sa.Column("baseline_run_id", sa.Integer),
    sa.Column("baseline_reason", sa.String(200)),
    sa.Column("problems_json", sa.Text),
)

# Runs pinned by name (`codeeval baseline set prod 42`), migration 3.
baselines = sa.Table(
    "baselines",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)


def now() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _m001_initial(connection: sa.Connection) -> None:
    """The first release's four tables, spelled out as they were (never change this)."""
    v1 = sa.MetaData()

    def sample_key() -> tuple[sa.Column[object], ...]:
        return (
            sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
            sa.Column("task_id", sa.String(200), primary_key=True),
            sa.Column("model", sa.String(300), primary_key=True),
            sa.Column("sample_index", sa.Integer, primary_key=True),
        )

    sa.Table(
        "runs",
        v1,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("spec_json", sa.Text, nullable=False),
    )
    sa.Table(
        "run_tasks",
        v1,
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("task_id", sa.String(200), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("time_limit_s", sa.Float),
        sa.Column("reference_ok", sa.Boolean, nullable=False),
        sa.Column("problem", sa.Text, nullable=False),
        sa.Column("optimal_complexity", sa.String(32)),
        sa.Column("tags_json", sa.Text, nullable=False),
    )
    sa.Table(
        "generations",
        v1,
        *sample_key(),
        sa.Column("cache_key", sa.String(64), index=True),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("code", sa.Text),
        sa.Column("extract_method", sa.String(64), nullable=False),
        sa.Column("raw_json", sa.Text),
        sa.Column("input_tokens", sa.Integer),
        sa.Column("output_tokens", sa.Integer),
        sa.Column("finish_reason", sa.String(64)),
        sa.Column("latency_s", sa.Float),
        sa.Column("first_token_s", sa.Float),
        sa.Column("served_model", sa.String(300)),
        sa.Column("peak_memory_mb", sa.Float),
        sa.Column("cost_usd", sa.Float),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("cached_from_run", sa.Integer),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    sa.Table(
        "results",
        v1,
        *sample_key(),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("scores_json", sa.Text, nullable=False),
        sa.Column("execution_json", sa.Text),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    v1.create_all(connection)


def _m002_run_owner(connection: sa.Connection) -> None:
    """runs.owner: "<host id>:<pid>" of the process running the run."""
    connection.execute(sa.text("ALTER TABLE runs ADD COLUMN owner VARCHAR(200)"))


def _m003_verdicts_and_baselines(connection: sa.Connection) -> None:
    """`verdicts` (a nightly's verdict per run) and `baselines` (runs pinned by name)."""
    v3 = sa.MetaData()
    sa.Table("runs", v3, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "verdicts",
        v3,
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("matrix", sa.String(200), nullable=False, index=True),
        sa.Column("red", sa.Boolean, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    sa.Table(
        "baselines",
        v3,
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    v3.tables["verdicts"].create(connection)
    v3.tables["baselines"].create(connection)


def _m004_verdict_details(connection: sa.Connection) -> None:
    """verdicts.baseline_run_id, baseline_reason, problems_json: a night's baseline, reasons.

    The history then shows what a night was compared with and why it was red without
    judging it again.
    """
    for column in (
        "baseline_run_id INTEGER",
        "baseline_reason VARCHAR(200)",
        "problems_json TEXT",
    ):
        connection.execute(sa.text(f"ALTER TABLE verdicts ADD COLUMN {column}"))


MIGRATIONS: tuple[Callable[[sa.Connection], None], ...] = (
    _m001_initial,
    _m002_run_owner,
    _m003_verdicts_and_baselines,
    _m004_verdict_details,
)

_applied = sa.Table(
    "schema_migrations",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.String(32), nullable=False),
)


# Any fixed 64-bit number: PostgreSQL's advisory locks are per database, so this one key
# serialises codeeval's migrations on each database and nothing else.
_SCHEMA_LOCK_KEY = 0x636F64656576616C  # "codeeval"


def migrate(engine: sa.Engine) -> int:
    """Apply every migration not yet recorded; return the schema version now in place.

    Safe when several processes or threads open one new database at once: the whole check
    and migration runs in one transaction that first takes the database's schema lock
    (SQLite: `BEGIN IMMEDIATE`, PostgreSQL: a transaction-scoped advisory lock), so the
    others wait, then find the migrations recorded and do nothing.
    """
    with engine.connect() as connection:
        _lock_schema(connection)
        _applied.create(connection, checkfirst=True)
        done = set(connection.scalars(sa.select(_applied.c.version)))
        for version, migration in enumerate(MIGRATIONS, start=1):
            if version not in done:
                migration(connection)
                connection.execute(_applied.insert().values(version=version, applied_at=now()))
        connection.commit()
    return len(MIGRATIONS)


def _lock_schema(connection: sa.Connection) -> None:
    """Begin the migration's transaction holding the lock no other migration can take."""
    dialect = connection.dialect.name
    if dialect == "sqlite":  # the write lock now, not at the first write (which may be late)
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":  # held until the transaction ends
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK_KEY)))
