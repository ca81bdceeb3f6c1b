"""`--db` URL forms, the PostgreSQL driver, and the install line README, error and extra share."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from codeeval.store.sql import SqlStore
from tests.servers.postgres import PostgresServer
from tests.store.test_text import _spec

ROOT = Path(__file__).resolve().parents[2]
INSTALL = "pip install 'codeeval[postgres]'"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_each_documented_url_form_reaches_postgresql(postgres: PostgresServer, scheme: str) -> None:
    url = postgres.url(postgres.new_database()).replace("postgresql://", f"{scheme}://")
    store = SqlStore(url)
    run_id = store.start_run(_spec("plain"))
    assert store.load_run(run_id).spec.config == {"system_prompt": "plain"}
    store.close()


def test_without_the_driver_the_error_names_the_extra(tmp_path: Path) -> None:
    hide_driver = (
        "import sys; sys.modules['psycopg'] = None; "
        "from codeeval.cli import main; main(['runs', '--db', 'postgresql://ce@127.0.0.1/x'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "CODEEVAL_CONFIG"}
    done = subprocess.run(
        [sys.executable, "-c", hide_driver], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "error: psycopg is not installed (the driver for --db postgresql:// URLs); "
        f"install it with: {INSTALL}"
    )
    assert not list(tmp_path.iterdir())  # nothing created


def test_readme_the_error_and_the_extra_name_the_same_driver() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert INSTALL in readme
    assert "pip install psycopg2" not in readme
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert [re.split(r"[\[<>=]", d)[0] for d in extras["postgres"]] == ["psycopg"]
    assert any(d.startswith("psycopg[binary]") for d in extras["dev"])  # the tests use it


def test_the_password_can_come_from_pgpassword(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.url(postgres.new_database()).replace(f":{postgres.password}@", "@")
    assert postgres.password not in url
    monkeypatch.setenv("PGPASSWORD", postgres.password)  # as README advises, for libpq
    store = SqlStore(url)
    run_id = store.start_run(_spec("plain"))
    assert store.load_run(run_id).spec.config == {"system_prompt": "plain"}
    store.close()
