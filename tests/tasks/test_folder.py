"""Task folders: the task.toml schema, every file checked, the content hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeeval.errors import BadTaskFile
from codeeval.task import load_task_folder, select_tasks


def _write_task(folder: Path, **overrides: str) -> Path:
    files = {
        "task.toml": 'entry_point = "inc"\ntags = ["math"]\n',
        "prompt.en.md": "Write inc(x).",
        "solution.py": "def inc(x):\n    return x + 1\n",
        "tests.py": "def test_one(candidate):\n    assert candidate(1) == 2\n",
    }
    files.update(overrides)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_quicksort_is_built_in_with_both_languages() -> None:
    (task,) = select_tasks(["quicksort"])
    assert task.entry_point == "quicksort"
    assert set(task.prompts) == {"en", "zh"}
    assert "quicksort" in task.prompt("zh")
    assert task.prompt("fr") == task.prompt("en")
    assert task.time_complexity == "O(n log n)"
    assert len(task.content_hash) == 64


def test_content_hash_changes_with_any_file(tmp_path: Path) -> None:
    first = load_task_folder(_write_task(tmp_path / "a"))
    second = load_task_folder(
        _write_task(tmp_path / "b", **{"tests.py": "def test_two(candidate):\n    assert 1\n"})
    )
    same = load_task_folder(_write_task(tmp_path / "c"))
    assert first.content_hash != second.content_hash
    assert first.content_hash == same.content_hash


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"task.toml": "entry_point = 3\n"},
            "task.toml: entry_point: Input should be a valid string",
        ),
        ({"task.toml": "entry_point = \n"}, "task.toml: invalid TOML"),
        ({"task.toml": 'entry_point = "inc"\ncolour = 1\n'}, "task.toml: colour: Extra inputs"),
        ({"solution.py": "def inc(x:\n"}, "solution.py:1: syntax error"),
        ({"solution.py": "def other(x):\n    return x\n"}, "solution.py: does not define inc()"),
        ({"tests.py": "x = 1\n"}, "tests.py: defines no test_*(candidate) function"),
        ({"prompt.en.md": "   "}, "prompt.en.md: empty prompt"),
    ],
)
def test_malformed_files_name_the_file_and_problem(
    tmp_path: Path, overrides: dict[str, str], expected: str
) -> None:
    folder = _write_task(tmp_path / "t", **overrides)
    with pytest.raises(BadTaskFile) as info:
        load_task_folder(folder)
    assert expected in str(info.value)
    assert str(folder) in str(info.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    folder = _write_task(tmp_path / "t")
    (folder / "tests.py").unlink()
    with pytest.raises(BadTaskFile, match=r"tests\.py: missing"):
        load_task_folder(folder)
