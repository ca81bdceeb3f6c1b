"""Fixtures for the task tests: the real sandbox (counting its jobs) and a task-folder writer."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sample_task import SOUND_TASK

from codeeval.task import load_task_folder
from codeeval.types import Task

if sys.platform != "linux":  # pragma: no cover - the local sandbox is Linux-only
    pytest.skip("the local sandbox needs Linux", allow_module_level=True)

from counting_executor import CountingExecutor  # noqa: E402

from codeeval.sandbox.local import LocalExecutor  # noqa: E402


@pytest.fixture(scope="session")
def sandbox() -> Iterator[LocalExecutor]:
    with LocalExecutor(workers=2) as running:
        yield running


@pytest.fixture
def executor(sandbox: LocalExecutor) -> CountingExecutor:
    return CountingExecutor(sandbox)


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
