"""`python -m codeeval tasks ...` as a user types it."""

from __future__ import annotations

import shlex
from pathlib import Path


def test_tasks_new_prints_a_check_command_that_works(codeeval, tmp_path: Path) -> None:
    for args in (("my_task",), ("other_task", "--dir", "sub")):
        created = codeeval("tasks", "new", *args)
        assert created.returncode == 0, created.stderr
        command = created.stdout.split("then: ", 1)[1].strip()
        assert command.startswith("python -m codeeval tasks check ./"), command
        checked = codeeval(*shlex.split(command)[3:])
        assert checked.returncode == 0, (command, checked.stdout, checked.stderr)
        assert "1/1 task(s) sound" in checked.stdout


def test_tasks_check_takes_sandbox_packages(codeeval, tmp_path: Path) -> None:
    assert codeeval("tasks", "new", "np_task").returncode == 0
    (tmp_path / "np_task" / "solution.py").write_text(
        '"""Reference solution: numpy sums the even values."""\n\n'
        "import numpy\n\n\n"
        "def np_task(values: list[int]) -> int:\n"
        '    """Return the sum of the even numbers in values."""\n'
        "    array = numpy.array(values, dtype=object)\n"
        "    return int(sum(v for v in array if v % 2 == 0))\n"
    )
    refused = codeeval("tasks", "check", "./np_task")
    assert refused.returncode == 1 and "No module named 'numpy'" in refused.stdout
    checked = codeeval("tasks", "check", "./np_task", "--sandbox-package", "numpy")
    assert checked.returncode == 0, (checked.stdout, checked.stderr)
    assert "1/1 task(s) sound" in checked.stdout
    (tmp_path / "codeeval.toml").write_text('[run]\nsandbox_packages = ["numpy"]\n')
    from_file = codeeval("tasks", "check", "./np_task")
    assert from_file.returncode == 0, (from_file.stdout, from_file.stderr)
    assert "1/1 task(s) sound" in from_file.stdout
    (tmp_path / "plain.toml").write_text("[run]\nsamples = 1\n")
    other = codeeval("tasks", "check", "./np_task", "--config", "plain.toml")
    assert other.returncode == 1 and "No module named 'numpy'" in other.stdout
