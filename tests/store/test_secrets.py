"""A database password never reaches the store, a report, a log line or an error message.

URLs are kept with the password masked (`postgresql://user:***@host/db`). The end-to-end test
runs the CLI against a real PostgreSQL server whose role has a password, then greps a pg_dump
of the database, every file the runs wrote and everything the CLI printed.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from codeeval.errors import StoreError
from codeeval.store.sql import SqlStore
from codeeval.task import select_tasks
from codeeval.types import RunSpec
from tests.servers import openai_wire
from tests.servers.base import WireServer, slow
from tests.servers.postgres import PostgresServer

SECRET = "s3cretPassw0rd"
API_KEY = "sk-gatewayKey0123456789"  # an API key, given as keys are: in the environment


def _spec(config: dict[str, object]) -> RunSpec:
    return RunSpec(
        tasks=("quicksort",),
        models=("reference",),
        samples=1,
        temperature=0.0,
        lang="en",
        config=config,
        machine={"cores": 2},
        task_hashes={"quicksort": "abc"},
        codeeval_version="0.1.0",
    )


def _raw_spec_json(db: str) -> str:
    url = db if "://" in db else f"sqlite:///{db}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        text = "\n".join(connection.scalars(sa.text("select spec_json from runs")))
    engine.dispose()
    return text


def test_urls_in_a_runs_config_are_stored_with_passwords_masked(db: str) -> None:
    config = {
        "db": f"postgresql://ce:{SECRET}@db.example.com:5432/results",
        "endpoints": {"gw": {"provider": "openai", "base_url": f"https://u:{SECRET}@gw/v1"}},
        "out": "plain/folder",
    }
    store = SqlStore(db)
    run_id = store.start_run(_spec(config))
    stored = store.load_run(run_id).spec.config
    store.close()
    assert SECRET not in _raw_spec_json(db)
    assert stored == {
        "db": "postgresql://ce:***@db.example.com:5432/results",
        "endpoints": {"gw": {"provider": "openai", "base_url": "https://u:***@gw/v1"}},
        "out": "plain/folder",
    }


def test_a_password_stored_by_an_earlier_version_is_masked_when_read(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SqlStore(str(path))
    run_id = store.start_run(_spec({"samples": 1}))
    store.close()
    engine = sa.create_engine(f"sqlite:///{path}")
    leaked = json.dumps(
        {**json.loads(_raw_spec_json(str(path))), "config": {"db": f"postgresql://ce:{SECRET}@h/d"}}
    )
    with engine.begin() as connection:
        connection.execute(sa.text("update runs set spec_json = :s"), {"s": leaked})
    engine.dispose()
    store = SqlStore(str(path))
    assert store.load_run(run_id).spec.config == {"db": "postgresql://ce:***@h/d"}
    store.close()


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://ce:{SECRET}@127.0.0.1:1/results",  # nothing listens on port 1
        f"postgresql://ce:{SECRET}@127.0.0.1:notaport/results",  # not a URL SQLAlchemy parses
    ],
)
def test_errors_about_a_database_never_show_its_password(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        SqlStore(url)
    assert SECRET not in str(caught.value)
    assert "ce:***@127.0.0.1" in str(caught.value)


def test_a_wrong_password_is_refused_without_showing_it(postgres: PostgresServer) -> None:
    url = postgres.url(postgres.new_database(), password=SECRET)
    with pytest.raises(StoreError, match="password authentication failed") as caught:
        SqlStore(url)
    assert SECRET not in str(caught.value) and postgres.password not in str(caught.value)


def _env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200", "GATEWAY_KEY": API_KEY}
    env.pop("CODEEVAL_CONFIG", None)
    return env


def _codeeval(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codeeval", *args],
        cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _generations(postgres: PostgresServer, database: str) -> int:
    try:
        count = postgres.admin_sql("select count(*) from generations", database).strip()
    except RuntimeError:  # the tables are not made yet
        return 0
    return int(count or 0)


def _interrupted_run(
    postgres: PostgresServer, database: str, cwd: Path
) -> tuple[str, subprocess.Popen[str]]:
    """A run against a slow model, stopped with Ctrl-C once two generations are stored."""
    process = subprocess.Popen(
        [sys.executable, "-m", "codeeval", "run", "--tasks", "quicksort", "--model",
         "local/coder", "--samples", "5", "--temperature", "0.8",
         "--db", postgres.url(database), "--format", "json,markdown,html"],
        cwd=cwd, env=_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while _generations(postgres, database) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    return stdout + stderr, process


def test_runs_on_postgresql_leave_the_password_nowhere(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    database = postgres.new_database()
    url = postgres.url(database)
    (task,) = select_tasks(["quicksort"])
    answer = f"Here it is:\n```python\n{task.reference}```\n"
    printed: list[str] = []
    with WireServer(slow(0.3, openai_wire.chat(answer))) as server:
        # A gateway reached with a password in its URL: stored masked, put back on resume.
        gateway = server.url.replace("http://", f"http://gw:{SECRET}@") + "/v1"
        (tmp_path / "codeeval.toml").write_text(
            f'[endpoints.local]\nprovider = "openai-compatible"\nbase_url = "{gateway}"\n'
            'api_key_env = "GATEWAY_KEY"\n[endpoints.local.options]\nmax_concurrency = 1\n'
        )
        first = _codeeval(
            tmp_path, "run", "--tasks", "quicksort", "--model", "reference", "--db", url,
            "--format", "json,markdown,html",
        )  # fmt: skip
        assert first.returncode == 0, first.stderr
        printed += [first.stdout, first.stderr]
        output, _ = _interrupted_run(postgres, database, tmp_path)
        printed.append(output)
        resumed = _codeeval(tmp_path, "run", "--resume", "2", "--db", url, "--json")
        assert resumed.returncode == 0, resumed.stderr
        assert len(server.requests) == 5  # the interrupted run paid for nothing twice
        printed += [resumed.stdout, resumed.stderr]
    basic = "Basic " + base64.b64encode(f"gw:{SECRET}".encode()).decode()
    assert [r.headers.get("authorization") for r in server.requests] == [basic] * 5
    report = json.loads(resumed.stdout)
    assert report["run"]["status"] == "finished"
    assert report["models"][0]["pass_at"]["1"]["value"] == 1.0
    # Where the results went is not part of what the run measured: the URL is not stored.
    assert "db" not in report["run"]["config"]
    for command in (["runs"], ["show", "2"], ["report", "2", "--format", "html"]):
        done = _codeeval(tmp_path, *command, "--db", url)
        assert done.returncode == 0, done.stderr
        printed += [done.stdout, done.stderr]
    wrong = _codeeval(tmp_path, "runs", "--db", postgres.url(database, password=SECRET))
    assert wrong.returncode == 2 and "password authentication failed" in wrong.stderr
    printed += [wrong.stdout, wrong.stderr]

    dump = postgres.dump(database)
    assert "gw:***@127.0.0.1" in dump and "codeeval_ci:***@" not in dump  # masked; not kept
    assert postgres.password not in dump and SECRET not in dump and API_KEY not in dump
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert {p.name for p in written} >= {"report.json", "report.md", "report.html"}
    for path in written:
        assert postgres.password.encode() not in path.read_bytes(), path
        if path.name != "codeeval.toml":  # the test's own config names the gateway
            assert SECRET.encode() not in path.read_bytes(), path
        assert API_KEY.encode() not in path.read_bytes(), path
    for text in printed:
        assert postgres.password not in text and SECRET not in text and API_KEY not in text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("codeeval-results/codeeval.db", "codeeval-results/codeeval.db"),
        ("postgresql://ce@h/d", "postgresql://ce@h/d"),
        ("sqlite:////tmp/r.db", "sqlite:////tmp/r.db"),
        (
            f"postgresql://ce:{SECRET}@h:5/d?sslmode=require",
            "postgresql://ce:***@h:5/d?sslmode=require",
        ),
        (f"postgres://ce:{SECRET}%40x@h/d", "postgres://ce:***@h/d"),
        (f"postgresql://ce:{SECRET}@h:port/d", "postgresql://ce:***@h:port/d"),
        (f"see https://u:{SECRET}@gw/v1 for it", "see https://u:***@gw/v1 for it"),
    ],
)
def test_masked_hides_exactly_the_password(text: str, shown: str) -> None:
    from codeeval.store.urls import masked

    assert masked(text) == shown
