"""`tasks new`: the scaffold is a complete task that passes `tasks check` as it stands."""

from __future__ import annotations

from pathlib import Path

import pytest
from counting_executor import CountingExecutor

from codeeval.errors import BadTaskFile
from codeeval.task import load_task_folder, select_tasks
from codeeval.task.check import check_task
from codeeval.task.scaffold import scaffold_task


def test_scaffold_is_a_sound_task(tmp_path: Path, executor: CountingExecutor) -> None:
    folder = scaffold_task("sum_of_evens", tmp_path)
    assert folder == tmp_path / "sum_of_evens"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.*")) == [
        "inputs.py",
        "mutants/counts.py",
        "mutants/odd_numbers.py",
        "mutants/skips_first.py",
        "prompt.en.md",
        "prompt.zh.md",
        "solution.py",
        "task.toml",
        "tests.py",
    ]
    task = load_task_folder(folder)
    assert task.entry_point == "sum_of_evens"
    assert task.title == "Sum of evens"
    assert task.signature == "def sum_of_evens(values: list[int]) -> int"
    assert set(task.prompts) == {"en", "zh"}
    check = check_task(task, executor)
    assert check.ok, check.problems
    assert check.warnings == ()
    assert sorted(m.name for m in check.mutants if m.caught) == [
        "counts",
        "odd_numbers",
        "skips_first",
    ]


def test_scaffolded_folder_is_selectable_by_path(tmp_path: Path) -> None:
    scaffold_task("first_task", tmp_path)
    scaffold_task("second_task", tmp_path)
    assert [t.id for t in select_tasks([str(tmp_path)])] == ["first_task", "second_task"]


@pytest.mark.parametrize("name", ["Sum", "2fast", "has-dash", "with space", "class", ""])
def test_bad_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(BadTaskFile, match="lowercase Python identifier"):
        scaffold_task(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(BadTaskFile, match=r"mine: already exists"):
        scaffold_task("mine", tmp_path)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
