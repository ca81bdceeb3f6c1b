from __future__ import annotations

from pathlib import Path

import pytest

from codeeval.errors import BadTaskFile, UnknownName
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


def test_unknown_task_lists_known_ones() -> None:
    with pytest.raises(UnknownName) as info:
        select_tasks(["quiksort"])
    assert "unknown task 'quiksort' (did you mean 'quicksort'?)" in str(info.value)
    assert "merge_sort" in str(info.value)  # the full list follows


def test_unknown_name_suggests_only_close_matches() -> None:
    near = UnknownName("provider", "antropic", ["anthropic", "openai"])
    assert near.suggestions == ["anthropic"]
    far = UnknownName("provider", "zzz", ["anthropic", "openai"])
    assert far.suggestions == [] and "did you mean" not in str(far)


def test_path_selector_loads_a_folder_of_tasks(tmp_path: Path) -> None:
    _write_task(tmp_path / "suite" / "one")
    _write_task(tmp_path / "suite" / "two")
    tasks = select_tasks([str(tmp_path / "suite")])
    assert [task.id for task in tasks] == ["one", "two"]


def test_a_tag_alone_selects_from_every_built_in_task() -> None:
    from codeeval.config import build_run_config

    tagged = build_run_config({"tags": ("dp",)}, {})
    assert tagged.tasks == ("all",)
    assert build_run_config({}, {}).tasks == ("quicksort",)
    assert build_run_config({"tags": ("dp",), "tasks": ("quicksort",)}, {}).tasks == ("quicksort",)
    chosen = select_tasks(tagged.tasks, tagged.tags)
    assert len(chosen) > 1 and all("dp" in task.tags for task in chosen)


def test_a_known_tag_that_matches_no_selected_task_says_so() -> None:
    from codeeval.errors import BadConfig

    with pytest.raises(BadConfig, match="no selected task has tag 'dp'") as info:
        select_tasks(["quicksort"], ["dp"])
    assert "did you mean" not in str(info.value)
    with pytest.raises(UnknownName, match=r"unknown tag 'dpp' \(did you mean 'dp'\?\)"):
        select_tasks(["quicksort"], ["dpp"])


def test_benchmark_ranges_out_of_bounds_or_reversed_are_explained() -> None:
    from codeeval.errors import BadConfig

    assert [t.id for t in select_tasks(["humaneval/161..163"])] == [
        "humaneval/161",
        "humaneval/162",
        "humaneval/163",
    ]
    with pytest.raises(
        BadConfig, match=r"humaneval/164 does not exist; humaneval ids run 0\.\.163"
    ):
        select_tasks(["humaneval/160..170"])
    with pytest.raises(BadConfig, match=r"runs backwards; write humaneval/2\.\.5"):
        select_tasks(["humaneval/5..2"])


def test_the_benchmarks_own_id_spelling_is_accepted() -> None:
    assert [t.id for t in select_tasks(["HumanEval/3"])] == ["humaneval/3"]


def test_an_unknown_setting_in_the_config_file_lists_the_valid_ones() -> None:
    from codeeval.config import build_run_config
    from codeeval.errors import BadConfig

    with pytest.raises(BadConfig) as info:
        build_run_config({}, {"fail_on_regression": True}, source="codeeval.toml")
    message = str(info.value)
    assert message.startswith("codeeval.toml: fail_on_regression: unknown setting; valid ones: ")
    assert "regression_threshold" in message and "samples" in message
    # A bad value of a known setting keeps pydantic's own explanation.
    with pytest.raises(BadConfig, match="codeeval.toml: samples: "):
        build_run_config({}, {"samples": "many"}, source="codeeval.toml")
