"""The built-in suite: complete task folders, the topics the issue names, sound tasks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from counting_executor import CountingExecutor

from codeeval.task import builtin_task_names, builtin_task_root, load_task_folder, select_tasks
from codeeval.task.check import MIN_MUTANTS, check_tasks
from codeeval.task.folder import load_mutants
from codeeval.task.info import TOPICS
from codeeval.task.inputs import check_generator

NAMES = builtin_task_names()
ANSWER_EN = (
    "Answer with one Python code block holding the function and any helpers it needs; use only\n"
    "the Python standard library."
)
ANSWER_ZH = (
    "请只用一个 Python 代码块作答，其中包含该函数及其所需的辅助函数；只可使用 Python 标准库。"
)
NAMED_IN_ISSUE = {
    "sorting": ["merge_sort", "heap_sort", "binary_search", "kth_smallest"],
    "data_structures": ["lru_cache", "min_heap", "trie", "union_find", "merge_intervals"],
    "graphs": ["bfs_shortest_path", "dijkstra", "topological_sort", "connected_components"],
    "dp": ["edit_distance", "longest_increasing_subsequence", "knapsack", "coin_change"],
    "strings": [
        "kmp_search",
        "longest_palindromic_substring",
        "group_anagrams",
        "run_length_encoding",
    ],
    "math": ["sieve_of_primes", "gcd_lcm", "modular_exponentiation", "matrix_multiply"],
    "everyday": ["parse_csv_line", "validate_email", "roman_numerals", "word_count"],
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_at_least_forty_tasks_beside_quicksort() -> None:
    assert "quicksort" in NAMES
    assert len(NAMES) - 1 >= 40


def test_every_task_and_topic_the_issue_names_is_present() -> None:
    for topic, names in NAMED_IN_ISSUE.items():
        for name in names:
            assert name in NAMES
            (task,) = select_tasks([name])
            assert task.tags[0] == topic, name
    topics = {task.tags[0] for task in select_tasks(["all"])}
    assert topics == set(TOPICS)
    assert len(select_tasks(["sorting/*"])) >= 5
    assert {task.id for task in select_tasks(["all"], tags=["searching"])} >= {
        "binary_search",
        "kth_smallest",
        "search_rotated_array",
        "kmp_search",
    }


@pytest.mark.parametrize("name", NAMES)
def test_task_folder_is_complete(name: str) -> None:
    task = load_task_folder(builtin_task_root() / name)
    assert set(task.prompts) == {"en", "zh"}
    english, chinese = task.prompt("en"), task.prompt("zh")
    assert english.endswith(ANSWER_EN)
    assert chinese.endswith(ANSWER_ZH)
    assert len(CJK.findall(chinese)) >= 40, "the Chinese prompt must be a real translation"
    assert task.signature is not None and task.signature.startswith(f"def {task.entry_point}(")
    assert task.signature in english and task.signature in chinese
    assert task.time_complexity and task.time_complexity.startswith("O(")
    assert task.tags and task.tags[0] in TOPICS
    assert task.inputs is not None and task.differential is not None
    assert task.differential.count >= 20 and 0 < max(task.differential.sizes) <= 5000
    assert task.title and task.title != name


@pytest.mark.parametrize("name", NAMES)
def test_task_has_real_mutants(name: str) -> None:
    task = load_task_folder(builtin_task_root() / name)
    mutants = load_mutants(task)
    assert len(mutants) >= MIN_MUTANTS
    codes = {mutant.code.split("\n", 1)[1] for mutant in mutants}
    assert len(codes) == len(mutants), "two mutants are the same program"
    for mutant in mutants:
        assert mutant.description, f"{mutant.name}: first line must be '# Mutant: ...'"
        body = mutant.code.split("\n", 1)[1]
        assert body != task.reference
        defined = {n.name for n in ast.parse(body).body if isinstance(n, ast.FunctionDef)}
        assert task.entry_point in defined


@pytest.mark.parametrize("name", NAMES)
def test_generator_is_valid(name: str) -> None:
    task = load_task_folder(builtin_task_root() / name)
    assert check_generator(task) == ()


def test_a_sample_of_the_suite_is_sound(executor: CountingExecutor) -> None:
    tasks = select_tasks(["quicksort", "lru_cache", "topological_sort", "parse_csv_line"])
    checks = {check.task_id: check for check in check_tasks(tasks, executor)}
    assert sorted(checks) == ["lru_cache", "parse_csv_line", "quicksort", "topological_sort"]
    for check in checks.values():
        assert check.ok, (check.task_id, check.problems)
        assert len(check.mutants) >= MIN_MUTANTS


@pytest.mark.slow
def test_the_whole_suite_is_sound(executor: CountingExecutor) -> None:
    problems = {
        check.task_id: check.problems
        for check in check_tasks(select_tasks(["all"]), executor)
        if not check.ok
    }
    assert problems == {}


def test_docs_list_every_task_under_its_topic() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "tasks.md").read_text(encoding="utf-8")
    listed = docs.split("## The built-in suite", 1)[1]
    for task in select_tasks(["all"]):
        section = listed.split(f"### {TOPICS[task.tags[0]]}\n", 1)[1].split("\n### ", 1)[0]
        assert f"| `{task.id}` | {task.title} |" in section, task.id
