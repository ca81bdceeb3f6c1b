"""Two nightly jobs writing to one PostgreSQL database at the same time are both judged right."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from codeeval.store.migrations import MIGRATIONS
from codeeval.store.sql import SqlStore


def _nights_at_once(url: str, tmp_path: Path, models: tuple[str, str]) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "CODEEVAL_CONFIG"}
    jobs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "codeeval",
                "nightly",
                "--tasks",
                "quicksort",
                "--model",
                model,
                "--name",
                model,
                "--db",
                url,
                "--format",
                "json",
            ],
            cwd=tmp_path,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for model in models
    ]
    verdicts = []
    for job in jobs:
        stdout, stderr = job.communicate(timeout=300)
        assert job.returncode == 0, stdout + stderr
        password = url.split(":")[2].split("@")[0]
        assert password not in stdout + stderr
        (line,) = [line for line in stdout.splitlines() if line.startswith(("GREEN", "RED"))]
        verdicts.append(line)
    return verdicts


def test_two_nightly_jobs_on_one_new_postgresql_database_at_once(
    postgres_url: str, tmp_path: Path
) -> None:
    models = ("reference", "reference/again")
    first = _nights_at_once(postgres_url, tmp_path, models)
    assert first == ["GREEN: no earlier run of this matrix: this night becomes the baseline"] * 2
    second = _nights_at_once(postgres_url, tmp_path, models)
    assert all(
        re.fullmatch(
            r"GREEN: compared with run [12] \(.*, last good night\): no regression, "
            r"no outage",
            line,
        )
        for line in second
    ), second
    store = SqlStore(postgres_url, create=False)
    try:
        runs = store.runs()
        assert sorted(s.id for s in runs) == [1, 2, 3, 4]
        assert {s.status for s in runs} == {"finished"}
        judged = {s.id: store.verdict(s.id) for s in runs}
        assert all(v is not None and not v.red for v in judged.values())
        # each job found its own matrix's last good night, never the other job's run
        for run in runs:
            verdict = judged[run.id]
            assert verdict is not None and verdict.matrix == run.models[0]
            match = re.search(r"compared with run (\d+)", verdict.summary)
            if match:
                assert store.run_summary(int(match.group(1))).models == run.models
    finally:
        store.close()
    engine = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        versions = connection.execute(sa.text("select version from schema_migrations")).all()
    engine.dispose()
    assert sorted(v for (v,) in versions) == list(range(1, len(MIGRATIONS) + 1))
