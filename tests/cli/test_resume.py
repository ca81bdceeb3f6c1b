"""Interrupted runs resume without paying twice; the response cache skips paid requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from codeeval.task import select_tasks
from tests.cli.interrupt import interrupt_after_generations, stored_generations
from tests.servers import openai_wire
from tests.servers.base import WireServer, slow

SAMPLES = 6

DEFAULT_DB = Path("codeeval-results") / "codeeval.db"


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
        process = interrupt_after_generations(command, tmp_path, _env(), tmp_path / DEFAULT_DB)
        stderr = process.stderr
        assert process.returncode == 130, stderr
        assert "interrupted; resume with: python -m codeeval run --resume 1" in stderr
        assert "Traceback" not in stderr
        paid = len(server.requests)
        assert 2 <= paid < SAMPLES
        assert stored_generations(tmp_path / DEFAULT_DB) == paid  # every request sent was stored

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
