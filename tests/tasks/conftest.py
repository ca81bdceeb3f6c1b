"""Fixtures for the task-suite tests: the fork executor double and a task-folder writer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fork_executor import ForkExecutor
from sample_task import SOUND_TASK

from codeeval.task import load_task_folder
from codeeval.types import Task


@pytest.fixture
def executor() -> Iterator[ForkExecutor]:
    fork = ForkExecutor(workers=2)
    try:
        yield fork
    finally:
        fork.close()


@pytest.fixture
def write_task(tmp_path: Path) -> Callable[..., Task]:
    """`write_task({"solution.py": text, "mutants/x.py": None})`: SOUND_TASK with some files
    replaced (None leaves one out), written under tmp_path and loaded."""

    def factory(changes: dict[str, str | None] | None = None, name: str = "largest") -> Task:
        folder = tmp_path / name
        for relative, text in {**SOUND_TASK, **(changes or {})}.items():
            if text is not None:
                path = folder / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        return load_task_folder(folder)

    return factory
