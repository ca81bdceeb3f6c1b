"""`--executor` and `--ray-address`, shared by `run`, `grade`, `tasks check` and `nightly`."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import assert_one_line_error

Codeeval = Callable[..., subprocess.CompletedProcess[str]]
NO_RAY = "import sys; sys.modules['ray'] = None\n"  # `import ray` then fails, as uninstalled


def _samples(tmp_path: Path) -> Path:
    path = tmp_path / "samples.jsonl"
    path.write_text(json.dumps({"task_id": "HumanEval/0", "completion": "    return True\n"}))
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["grade", "samples.jsonl"],
        ["run", "--tasks", "quicksort", "--model", "reference"],
        ["tasks", "check", "quicksort"],
        ["nightly", "--tasks", "quicksort", "--model", "reference"],
    ],
)
def test_ray_address_without_the_ray_executor_is_a_one_line_error(
    codeeval: Codeeval, tmp_path: Path, command: list[str]
) -> None:
    _samples(tmp_path)
    result = codeeval(*command, "--ray-address", "127.0.0.1:6379")
    assert_one_line_error(result, "--ray-address", "--executor ray")


def test_grade_refuses_a_bad_worker_count_in_one_line(codeeval: Codeeval, tmp_path: Path) -> None:
    _samples(tmp_path)
    assert_one_line_error(codeeval("grade", "samples.jsonl", "--workers", "0"), "workers")


@pytest.mark.parametrize(
    "command",
    [
        ["grade", "samples.jsonl"],
        ["run", "--tasks", "quicksort", "--model", "reference"],
        ["tasks", "check", "quicksort"],
        ["nightly", "--tasks", "quicksort", "--model", "reference"],
    ],
)
def test_ray_executor_without_ray_says_how_to_install_it(
    codeeval: Codeeval, tmp_path: Path, command: list[str]
) -> None:
    _samples(tmp_path)
    # A sitecustomize that hides the installed Ray from the command's interpreter.
    (tmp_path / "sitecustomize.py").write_text(NO_RAY)
    result = codeeval(*command, "--executor", "ray", env={"PYTHONPATH": str(tmp_path)})
    assert_one_line_error(result, "--executor ray", 'pip install "codeeval[ray]"')


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--tasks", "quicksort", "--model", "reference"],
        ["nightly", "--tasks", "quicksort", "--model", "reference"],
    ],
)
def test_a_ray_address_where_nothing_answers_is_a_one_line_error_at_once(
    codeeval: Codeeval, tmp_path: Path, command: list[str]
) -> None:
    pytest.importorskip("ray")
    with socket.socket() as closed:  # a port that was free a moment ago: nothing listens
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    started = time.monotonic()
    result = codeeval(*command, "--executor", "ray", "--ray-address", f"127.0.0.1:{port}")
    assert_one_line_error(result, f"--ray-address 127.0.0.1:{port}", "nothing answers there")
    assert time.monotonic() - started < 60  # not Ray's own minute-long wait for its GCS
