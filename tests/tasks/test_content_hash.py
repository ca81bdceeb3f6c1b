"""Content hashes are pinned: stored baselines are compared only between equal hashes.

The values were computed by the loaders before the task package was reorganised; a change
here makes every stored run of those tasks incomparable with new ones.
"""

from __future__ import annotations

import json
from pathlib import Path

from codeeval.grading import load_grading_tasks
from codeeval.task import load_benchmark, load_task_folder

HUMANEVAL = {
    "humaneval/0": "7b21545751d5bc3a56087b1a13ca2cde2e359d80f7ad4f2ee18ae17654c5d442",
    "humaneval/33": "faf0d5b7759f27556b602c8c9fe0a1566b97f36fa98608c8faa2389193b91de8",
    "humaneval/163": "a58ac897329d768ed31a7413a3d7537bd67772325b7d0f182c6fa6d44af659c2",
}
# tinybench's hashes changed once, when its loader and HumanEval's became one (HumanEval's
# recipe was kept); before: 73f78134... (tinybench/0) and 7da4c698... (tinybench/7).
TINYBENCH = {
    "tinybench/0": "3674b2cac3b9d18640d08c94a11994ec5db6cf1915b0dec0053e24b739365251",
    "tinybench/7": "f44c43dfe2576c1896420140779206b08bf8238f42cc07df50af7911fe0ca392",
}
PROBLEMS = [
    {
        "task_id": "Toy/0",
        "prompt": "def add(a, b):\n    '''Return a + b.'''\n",
        "canonical_solution": "    return a + b\n",
        "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n",
        "entry_point": "add",
        "plus_input": [[1, 2]],  # a key codeeval ignores still counts in the hash
    },
    {
        "task_id": "Toy/1",
        "prompt": "def neg(a):\n    '''Return -a. Ünïcode stays as written.'''\n",
        "canonical_solution": "    return -a\n",
        "test": "def check(candidate):\n    assert candidate(2) == -2\n",
        "entry_point": "neg",
    },
]
PROBLEM_HASHES = {
    "Toy/0": "d8a3c13ffb30a24f5fe2cb68aed25e85e23b6ae75113e27ba7ba096d99e12288",
    "Toy/1": "1f83be2957f01ad861dcb5b65ba9d43d8dc472123b71b0d56490cc0ab4041ee2",
}
FOLDER = {
    "task.toml": 'entry_point = "inc"\ntags = ["math"]\n',
    "prompt.en.md": "Write inc(x).",
    "solution.py": "def inc(x):\n    return x + 1\n",
    "tests.py": "def test_one(candidate):\n    assert candidate(1) == 2\n",
}
FOLDER_HASH = "67169a7ba77fc9517eab92d1c168c655146f34e445557a763e6cc74e660205be"


def test_humaneval_hashes_are_unchanged() -> None:
    tasks = {task.id: task for task in load_benchmark("humaneval")}
    assert {name: tasks[name].content_hash for name in HUMANEVAL} == HUMANEVAL


def test_tinybench_hashes_follow_the_one_jsonl_recipe() -> None:
    tasks = {task.id: task for task in load_benchmark("tinybench")}
    assert {name: tasks[name].content_hash for name in TINYBENCH} == TINYBENCH


def test_a_problems_file_hashes_as_before(tmp_path: Path) -> None:
    path = tmp_path / "problems.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PROBLEMS), encoding="utf-8")
    tasks = load_grading_tasks(None, path)
    assert {task.title: task.content_hash for task in tasks} == PROBLEM_HASHES


def test_a_task_folder_hashes_as_before(tmp_path: Path) -> None:
    for name, text in FOLDER.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert load_task_folder(tmp_path).content_hash == FOLDER_HASH
