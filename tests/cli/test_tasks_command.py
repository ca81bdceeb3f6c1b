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
