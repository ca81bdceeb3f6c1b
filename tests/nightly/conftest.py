"""Run `python -m codeeval` in a subprocess, as a user would, in a scratch folder (as tests/cli)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def codeeval(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`codeeval("run", "--tasks", "quicksort")`: runs in tmp_path with its own db and outputs."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        timeout: float = 300,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "COLUMNS": "200"}
        full_env.pop("CODEEVAL_CONFIG", None)  # read ./codeeval.toml, as a user's run would
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "codeeval", *args],
            cwd=tmp_path,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
        )

    return run


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2, one line on stderr starting with 'error:', no traceback, nothing on stdout."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
