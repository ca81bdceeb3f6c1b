"""Plain-data views of tasks for `tasks list` and `tasks show`, grouped by topic.

The CLI prints these; nothing here prints or reads anything but the task and its folder.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from codeeval.syntax_trees import parse_tree
from codeeval.task.folder import load_mutants
from codeeval.types import DifferentialSpec, PromptStyle, Task, TaskLimits

# The built-in suite's topics, in display order; a task's first tag is its topic.
TOPICS: Mapping[str, str] = {
    "sorting": "Sorting and searching",
    "data_structures": "Data structures",
    "graphs": "Graphs",
    "dp": "Dynamic programming",
    "strings": "Strings",
    "math": "Math",
    "everyday": "Everyday code",
}


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One line of `tasks list`."""

    id: str
    title: str
    topic: str
    tags: tuple[str, ...]
    time_complexity: str | None
    languages: tuple[str, ...]
    tests: int
    differential_cases: int
    mutants: int


@dataclass(frozen=True, slots=True)
class TaskDetails:
    """Everything `tasks show NAME` prints about one task."""

    row: TaskRow
    entry_point: str
    signature: str | None
    prompts: Mapping[str, str]
    prompt_style: PromptStyle
    test_names: tuple[str, ...]
    mutant_names: tuple[str, ...]
    differential: DifferentialSpec | None
    complexity_sizes: tuple[int, ...]
    limits: TaskLimits
    content_hash: str
    source: str


def hand_written_tests(task: Task) -> tuple[str, ...]:
    """The hand-written tests of `task` (`test_*` functions, or HumanEval's `check`), in order."""
    try:
        tree = parse_tree(task.tests)
    except SyntaxError:
        return ()
    return tuple(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and (node.name.startswith("test_") or node.name == "check")
    )


def task_row(task: Task) -> TaskRow:
    """The `tasks list` row of one task."""
    return TaskRow(
        id=task.id,
        title=task.title or task.id,
        topic=task.tags[0] if task.tags else "",
        tags=task.tags,
        time_complexity=task.time_complexity,
        languages=tuple(sorted(task.prompts)),
        tests=len(hand_written_tests(task)),
        differential_cases=task.differential.count if task.differential and task.inputs else 0,
        mutants=len(load_mutants(task)),
    )


def task_rows(tasks: Iterable[Task], tag: str | None = None) -> list[TaskRow]:
    """Rows for `tasks list [--tag T]`, ordered by topic (as in TOPICS, others last), then id."""
    order = {topic: index for index, topic in enumerate(TOPICS)}
    rows = [task_row(task) for task in tasks if tag is None or tag in task.tags]
    return sorted(rows, key=lambda row: (order.get(row.topic, len(order)), row.topic, row.id))


def rows_by_topic(rows: Iterable[TaskRow]) -> list[tuple[str, list[TaskRow]]]:
    """Rows grouped under their topic's label ("Graphs"), in the order they come."""
    groups: dict[str, list[TaskRow]] = {}
    for row in rows:
        groups.setdefault(TOPICS.get(row.topic, row.topic or "Other"), []).append(row)
    return list(groups.items())


def task_details(task: Task) -> TaskDetails:
    """Everything about one task, for `tasks show NAME`."""
    return TaskDetails(
        row=task_row(task),
        entry_point=task.entry_point,
        signature=task.signature,
        prompts=dict(task.prompts),
        prompt_style=task.prompt_style,
        test_names=hand_written_tests(task),
        mutant_names=tuple(mutant.name for mutant in load_mutants(task)),
        differential=task.differential if task.inputs else None,
        complexity_sizes=task.complexity_sizes,
        limits=task.limits,
        content_hash=task.content_hash,
        source=task.source,
    )
