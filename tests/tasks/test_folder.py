"""Task folders: the task.toml schema, every file checked, the content hash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codeeval.errors import BadTaskFile
from codeeval.task import load_task_folder, select_tasks


def _write_task(folder: Path, **overrides: str | None) -> Path:
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


@pytest.mark.parametrize(
    ("toml", "key", "value", "bound"),
    [
        (
            "[limits]\nmin_time_limit_s = 1e12\n",
            "limits.min_time_limit_s",
            "1000000000000.0",
            "maximum of 60 ",
        ),
        ("[limits]\ntime_factor = 1e9\n", "limits.time_factor", "1000000000.0", "maximum of 100 "),
        ("[limits]\nmemory_mb = 10000000\n", "limits.memory_mb", "10000000", "maximum of 16384 "),
        ("[limits]\nmemory_mb = 8\n", "limits.memory_mb", "8", "minimum of 64"),
        ("[differential]\ncount = 1000000\n", "differential.count", "1000000", "maximum of 10000 "),
        (
            "[differential]\nsizes = [1, 10, 1000000000000]\n",
            "differential.sizes[2]",
            "1000000000000",
            "maximum of 1000000 ",
        ),
        ("[complexity]\nsizes = [-5]\n", "complexity.sizes[0]", "-5", "minimum of 0"),
        (
            f"[complexity]\nsizes = {list(range(1, 202))}\n",
            "complexity.sizes",
            "201 entries",
            "maximum of 100 entries",
        ),
    ],
)
def test_absurd_limits_are_refused_naming_file_key_value_and_bound(
    tmp_path: Path, toml: str, key: str, value: str, bound: str
) -> None:
    folder = _write_task(
        tmp_path / "t",
        **{
            "task.toml": 'entry_point = "inc"\n' + toml,
            "inputs.py": "def generate(n, rng):\n    return (n,)\n",
        },
    )
    with pytest.raises(BadTaskFile) as info:
        load_task_folder(folder)
    message = str(info.value)
    assert message.startswith(f"{folder / 'task.toml'}: {key} = {value}: ")
    assert bound in message


def _host_file(tmp_path: Path) -> Path:
    secret = tmp_path / "host" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("a host file that must never become a prompt")
    return secret


@pytest.mark.parametrize(
    "name", ["prompt.en.md", "prompt.zh.md", "tests.py", "inputs.py", "task.toml"]
)
def test_a_link_leaving_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    folder = _write_task(tmp_path / "t", **{name: None})
    (folder / name).symlink_to(_host_file(tmp_path))
    with pytest.raises(BadTaskFile) as info:
        load_task_folder(folder)
    assert str(info.value).startswith(f"{folder / name}: a link to ")
    assert "outside the task folder" in str(info.value)


def test_mutant_links_leaving_the_folder_are_refused(tmp_path: Path) -> None:
    folder = _write_task(tmp_path / "t")
    (folder / "mutants").mkdir()
    (folder / "mutants" / "steal.py").symlink_to(_host_file(tmp_path))
    with pytest.raises(BadTaskFile, match=r"mutants/steal\.py: a link to .*outside the task"):
        load_task_folder(folder)
    elsewhere = _write_task(tmp_path / "u")
    (elsewhere / "mutants").symlink_to(tmp_path / "host")
    with pytest.raises(BadTaskFile, match=r"u/mutants: a link to .*outside the task folder"):
        load_task_folder(elsewhere)


def test_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = _write_task(tmp_path / "t")
    (folder / "prompt.zh.md").symlink_to("prompt.en.md")
    assert load_task_folder(folder).prompt("zh") == "Write inc(x)."


def test_a_file_that_is_not_regular_is_refused_not_read(tmp_path: Path) -> None:
    folder = _write_task(tmp_path / "t", **{"prompt.zh.md": None})
    os.mkfifo(folder / "prompt.zh.md")  # reading it would block forever
    with pytest.raises(BadTaskFile, match=r"prompt\.zh\.md: not a regular file"):
        load_task_folder(folder)


def test_a_huge_task_file_is_refused(tmp_path: Path) -> None:
    folder = _write_task(tmp_path / "t", **{"prompt.en.md": "x" * (4 << 20 | 1)})
    with pytest.raises(BadTaskFile, match=r"prompt\.en\.md: 4194305 bytes; the maximum is 4194304"):
        load_task_folder(folder)
