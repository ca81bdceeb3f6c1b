"""Which tasks `--tasks` and `--tag` name: task names, `all`, benchmarks, slices, globs, paths."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path

from codeeval import registry
from codeeval.errors import BadConfig, BadTaskFile, UnknownName
from codeeval.task.folder import (
    builtin_task_names,
    builtin_task_root,
    load_builtin_tasks,
    load_task_folder,
)
from codeeval.types import Task


def load_benchmark(name: str) -> list[Task]:
    """All tasks of benchmark `name` (a module `tasks/<name>.py` or a third-party plug-in).

    Raises:
        UnknownName: no such benchmark.
    """
    loader = registry.resolve(registry.BENCHMARKS, name)
    return list(loader())


def known_selectors() -> list[str]:
    """Task and benchmark names, for error messages."""
    return [*builtin_task_names(), *registry.names(registry.BENCHMARKS), "all"]


def select_tasks(selectors: Sequence[str], tags: Sequence[str] = ()) -> list[Task]:
    """Resolve `--tasks` selectors and `--tag` filters to tasks, in order, without duplicates.

    A selector is a task name (`quicksort`), `all` (every built-in task), a benchmark
    (`humaneval`), a benchmark slice (`humaneval/0..9`), a glob over ids or tags (`sorting/*`,
    `humaneval/1*`), or a path to a task folder (or a folder of task folders).

    Raises:
        UnknownName: a selector matches nothing; the message lists the known names.
        BadTaskFile: a selected task folder is malformed.
    """
    chosen: dict[str, Task] = {}
    for selector in (s.strip() for s in selectors):
        if selector:
            for task in _resolve_selector(selector):
                chosen.setdefault(task.id, task)
    tasks = list(chosen.values())
    if tags:
        tasks = [task for task in tasks if set(tags) & set(task.tags)]
        if not tasks:
            known = _all_tags() | {tag for task in chosen.values() for tag in task.tags}
            unknown = [tag for tag in tags if tag not in known]
            if unknown:
                raise UnknownName("tag", unknown[0], known, "see: python -m codeeval tasks list")
            named = " or ".join(repr(tag) for tag in tags)
            raise BadConfig(
                f"--tag: no selected task has tag {named}; widen --tasks (e.g. --tasks all) "
                "or see: python -m codeeval tasks list --tag " + tags[0]
            )
    return tasks


def _all_tags() -> set[str]:
    return {tag for task in load_builtin_tasks() for tag in task.tags}


def _resolve_selector(selector: str) -> list[Task]:
    path = Path(selector).expanduser()
    if selector.startswith((".", "/", "~")) or (path.is_dir() and not selector.isidentifier()):
        return _load_path(path)
    if selector == "all":
        return load_builtin_tasks()
    if selector in builtin_task_names():
        return [load_task_folder(builtin_task_root() / selector)]
    head, _, rest = selector.partition("/")
    benchmarks = {name.lower(): name for name in registry.names(registry.BENCHMARKS)}
    if head.lower() in benchmarks:  # HumanEval/3, the benchmark's own spelling, is humaneval/3
        return _slice_benchmark(benchmarks[head.lower()], rest)
    if any(ch in selector for ch in "*?["):
        pattern = selector[:-2] if selector.endswith("/*") else selector
        matched = [
            task
            for task in load_builtin_tasks()
            if fnmatch.fnmatch(task.id, pattern)
            or any(fnmatch.fnmatch(t, pattern) for t in task.tags)
        ]
        if matched:
            return matched
    raise UnknownName("task", selector, known_selectors(), "see: python -m codeeval tasks list")


def _load_path(path: Path) -> list[Task]:
    if (path / "task.toml").is_file():
        return [load_task_folder(path)]
    if path.is_dir():
        folders = sorted(p for p in path.iterdir() if (p / "task.toml").is_file())
        if folders:
            return [load_task_folder(folder) for folder in folders]
    raise BadTaskFile(f"{path}: not a task folder (no task.toml) nor a folder of task folders")


def _slice_benchmark(name: str, rest: str) -> list[Task]:
    tasks = load_benchmark(name)
    if not rest or rest == "*":
        return tasks
    by_suffix = {task.id.partition("/")[2]: task for task in tasks}
    if ".." in rest:
        start, _, stop = rest.partition("..")
        if start.isdigit() and stop.isdigit():
            first, last = int(start), int(stop)
            if first > last:
                raise BadConfig(
                    f"{name}/{rest}: the range runs backwards; write {name}/{last}..{first}"
                )
            wanted = [str(i) for i in range(first, last + 1)]
            absent = [i for i in wanted if i not in by_suffix]
            if absent:
                numbers = sorted(int(i) for i in by_suffix if i.isdigit())
                span = f"{numbers[0]}..{numbers[-1]}" if numbers else "none numbered"
                raise BadConfig(
                    f"{name}/{rest}: {name}/{absent[0]} does not exist; {name} ids run {span}"
                )
            return [by_suffix[i] for i in wanted]
    matched = [task for suffix, task in by_suffix.items() if fnmatch.fnmatch(suffix, rest)]
    if not matched:
        raise UnknownName(
            f"{name} task", rest, list(by_suffix)[:10] + ["..."], f"ids look like {name}/0"
        )
    return matched
