"""Selectors: task names, tags, benchmark slices and paths, and the errors that name them."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeeval.errors import UnknownName
from codeeval.task import select_tasks


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
    from codeeval.config import RunDefinition

    tagged = RunDefinition(tags=("dp",))
    assert tagged.tasks == ("all",)
    assert RunDefinition().tasks == ("quicksort",)
    assert RunDefinition(tags=("dp",), tasks=("quicksort",)).tasks == ("quicksort",)
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
