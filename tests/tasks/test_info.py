"""Rows and details for `tasks list` and `tasks show`."""

from __future__ import annotations

from codeeval.task import select_tasks
from codeeval.task.info import TOPICS, rows_by_topic, task_details, task_rows


def test_rows_are_grouped_by_topic_in_order() -> None:
    rows = task_rows(select_tasks(["all"]))
    groups = rows_by_topic(rows)
    assert [label for label, _ in groups] == list(TOPICS.values())
    sorting = dict(groups)["Sorting and searching"]
    assert [row.id for row in sorting][:3] == ["binary_search", "count_inversions", "heap_sort"]
    quicksort = next(row for row in rows if row.id == "quicksort")
    assert quicksort.topic == "sorting"
    assert quicksort.title == "Quicksort"
    assert quicksort.languages == ("en", "zh")
    assert quicksort.tests == 10
    assert quicksort.differential_cases == 30
    assert quicksort.mutants == 4  # one of them slow: correct, but O(n^2) on sorted input
    assert quicksort.time_complexity == "O(n log n)"


def test_tag_filter() -> None:
    rows = task_rows(select_tasks(["all"]), tag="heap")
    expected = ["heap_sort", "min_heap", "running_median", "dijkstra", "topological_sort"]
    assert [row.id for row in rows] == expected


def test_details_of_one_task() -> None:
    (task,) = select_tasks(["binary_search"])
    details = task_details(task)
    assert details.row.id == "binary_search"
    assert details.entry_point == "binary_search"
    assert details.signature == "def binary_search(items: list[int], target: int) -> int"
    assert details.test_names[0] == "test_empty"
    assert len(details.test_names) == 7
    assert details.mutant_names == (
        "any_occurrence",
        "dropped_bounds_check",
        "linear_scan",
        "wrong_comparison",
    )
    assert details.differential is not None and details.differential.seed == 20240601
    assert details.complexity_sizes[0] == 100 and details.complexity_sizes[-1] == 1_000_000
    assert "first" in details.prompts["en"] and "第一次" in details.prompts["zh"]
    assert len(details.content_hash) == 64


def test_benchmark_tasks_have_rows_too() -> None:
    rows = task_rows(select_tasks(["tinybench/0..1"]))
    assert [(row.id, row.topic, row.tests, row.mutants) for row in rows] == [
        ("tinybench/0", "tinybench", 1, 0),
        ("tinybench/1", "tinybench", 1, 0),
    ]
