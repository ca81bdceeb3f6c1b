"""Interrupted runs resume without paying twice; the response cache skips paid requests."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from codeeval.task import select_tasks
from tests.servers import openai_wire
from tests.servers.base import WireServer, slow

SAMPLES = 6


def _answer() -> str:
    (task,) = select_tasks(["quicksort"])
    return f"Here it is:\n```python\n{task.reference}```\n"


def _config(tmp_path: Path, url: str) -> None:
    (tmp_path / "codeeval.toml").write_text(
        "[endpoints.local]\n"
        'provider = "openai-compatible"\n'
        f'base_url = "{url}/v1"\n'
        "[endpoints.local.options]\n"
        "max_concurrency = 2\n"
    )


def _env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("CODEEVAL_CONFIG", None)
    return env


def _generations(tmp_path: Path) -> int:
    db = tmp_path / "codeeval-results" / "codeeval.db"
    if not db.exists():
        return 0
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("select count(*) from generations").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        connection.close()


def test_ctrl_c_then_resume_pays_for_each_generation_once(tmp_path: Path) -> None:
    with WireServer(slow(0.4, openai_wire.chat(_answer()))) as server:
        _config(tmp_path, server.url)
        command = [
            sys.executable,
            "-m",
            "codeeval",
            "run",
            "--tasks",
            "quicksort",
            "--model",
            "local/coder",
            "--samples",
            str(SAMPLES),
            "--temperature",
            "0.8",
        ]
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=_env(),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while _generations(tmp_path) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 130, stderr
        assert "interrupted; resume with: python -m codeeval run --resume 1" in stderr
        assert "Traceback" not in stderr
        paid = len(server.requests)
        assert 2 <= paid < SAMPLES
        assert _generations(tmp_path) == paid  # every request sent was stored

        resumed = subprocess.run(
            [sys.executable, "-m", "codeeval", "run", "--resume", "1", "--json"],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert resumed.returncode == 0, resumed.stderr
        assert len(server.requests) == SAMPLES  # only the missing ones were sent
        data = json.loads(resumed.stdout)
        assert data["run"]["status"] == "finished"
        assert data["models"][0]["samples"] == SAMPLES
        assert data["models"][0]["pass_at"]["1"]["value"] == 1.0


def test_a_second_run_is_answered_from_the_cache_unless_told_not_to(tmp_path: Path) -> None:
    with WireServer(openai_wire.chat(_answer())) as server:
        _config(tmp_path, server.url)
        base = [
            sys.executable,
            "-m",
            "codeeval",
            "run",
            "--tasks",
            "quicksort",
            "--model",
            "local/coder",
            "--samples",
            "3",
            "--json",
        ]
        first = subprocess.run(
            base, cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300
        )
        assert first.returncode == 0, first.stderr
        assert len(server.requests) == 3
        second = subprocess.run(
            base, cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300
        )
        assert second.returncode == 0, second.stderr
        assert len(server.requests) == 3
        assert json.loads(second.stdout)["models"][0]["cached"] == 3
        third = subprocess.run(
            [*base, "--no-cache"],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert third.returncode == 0, third.stderr
        assert len(server.requests) == 6
        sent = server.requests[0].body
        assert sent["model"] == "coder" and sent["messages"][-1]["content"].startswith("Write")
