"""Task sources: the task folder format, benchmark loaders, selection and content hashes.

A task is a folder holding `task.toml`, `prompt.<lang>.md` (English required), `solution.py`,
`tests.py` and, optionally, `inputs.py`; `docs/tasks.md` documents the format. A benchmark is a
module `tasks/<name>.py` whose `load()` yields `Task`s with ids `<name>/<id>`.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import importlib
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codeeval import registry
from codeeval.errors import BadConfig, BadTaskFile, UnknownName
from codeeval.types import DifferentialSpec, PromptStyle, Task, TaskLimits

TASKS_PACKAGE = "codeeval.tasks"
_TASK_FILES = ("task.toml", "solution.py", "tests.py", "inputs.py")


class _Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time_factor: float = Field(10.0, gt=0)
    min_time_limit_s: float = Field(2.0, gt=0)
    memory_mb: int = Field(1024, ge=64)


class _Differential(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(20, ge=0, le=10_000)
    seed: int = 20240601
    sizes: list[int] = Field(default_factory=lambda: [0, 1, 2, 5, 10, 50])
    float_for_int: bool = False


class _Complexity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sizes: list[int] = Field(default_factory=list)


class TaskToml(BaseModel):
    """The schema of `task.toml`; unknown keys are errors, so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid")
    title: str = ""
    entry_point: str
    signature: str | None = None
    tags: list[str] = Field(default_factory=list)
    time_complexity: str | None = None
    prompt_style: PromptStyle = "instruct"
    limits: _Limits = Field(default_factory=_Limits)
    differential: _Differential | None = None
    complexity: _Complexity = Field(default_factory=_Complexity)


def content_hash(files: Iterable[tuple[str, bytes]]) -> str:
    """sha256 over (name, content) pairs in name order; equal hashes mean identical tasks."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadTaskFile(f"{path}: missing; every task folder needs this file") from None
    except IsADirectoryError:
        raise BadTaskFile(f"{path}: is a folder; it must be a file") from None
    except UnicodeDecodeError as exc:
        raise BadTaskFile(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise BadTaskFile(f"{path}: cannot be read: {exc.strerror or exc}") from None


def _parse_python(path: Path, source: str) -> ast.Module:
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise BadTaskFile(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None


def _defined_functions(tree: ast.Module) -> set[str]:
    return {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    } | {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _read_toml(path: Path) -> TaskToml:
    try:
        data = tomllib.loads(_read_text(path))
        return TaskToml.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise BadTaskFile(f"{path}: invalid TOML: {exc}") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        raise BadTaskFile(f"{path}: {where}: {error['msg']}") from None


def _read_prompts(folder: Path) -> dict[str, str]:
    prompts = {
        path.name.removeprefix("prompt.").removesuffix(".md"): _read_text(path).strip()
        for path in sorted(folder.glob("prompt.*.md"))
    }
    if "en" not in prompts:
        raise BadTaskFile(f"{folder / 'prompt.en.md'}: missing; every task needs an English prompt")
    empty = [lang for lang, text in prompts.items() if not text]
    if empty:
        raise BadTaskFile(f"{folder / f'prompt.{empty[0]}.md'}: empty prompt")
    return prompts


def load_task_folder(folder: Path, task_id: str | None = None) -> Task:
    """Read and check one task folder.

    Raises:
        BadTaskFile: a file is missing or malformed; the message names the file and the problem.
    """
    meta = _read_toml(folder / "task.toml")
    prompts = _read_prompts(folder)
    reference = _read_text(folder / "solution.py")
    if meta.entry_point not in _defined_functions(_parse_python(folder / "solution.py", reference)):
        raise BadTaskFile(f"{folder / 'solution.py'}: does not define {meta.entry_point}()")
    tests = _read_text(folder / "tests.py")
    test_names = _defined_functions(_parse_python(folder / "tests.py", tests))
    if not any(name.startswith("test_") or name == "check" for name in test_names):
        raise BadTaskFile(f"{folder / 'tests.py'}: defines no test_*(candidate) function")
    inputs_path = folder / "inputs.py"
    inputs = _read_text(inputs_path) if inputs_path.exists() else None
    if inputs is not None and "generate" not in _defined_functions(
        _parse_python(inputs_path, inputs)
    ):
        raise BadTaskFile(f"{inputs_path}: does not define generate(size, rng)")
    if inputs is None and (meta.differential or meta.complexity.sizes):
        raise BadTaskFile(f"{inputs_path}: missing; [differential] and [complexity] need it")
    files = [(p.name, p.read_bytes()) for p in folder.iterdir() if _is_task_file(p)]
    return Task(
        id=task_id or folder.name,
        prompts=prompts,
        entry_point=meta.entry_point,
        reference=reference,
        tests=tests,
        inputs=inputs,
        content_hash=content_hash(files),
        signature=meta.signature,
        title=meta.title or folder.name,
        tags=tuple(meta.tags),
        time_complexity=meta.time_complexity,
        prompt_style=meta.prompt_style,
        limits=TaskLimits(**meta.limits.model_dump()),
        differential=(
            DifferentialSpec(
                count=meta.differential.count,
                seed=meta.differential.seed,
                sizes=tuple(meta.differential.sizes),
                float_for_int=meta.differential.float_for_int,
            )
            if meta.differential
            else None
        ),
        complexity_sizes=tuple(meta.complexity.sizes),
        source=str(folder),
    )


def _is_task_file(path: Path) -> bool:
    return path.is_file() and (
        path.name in _TASK_FILES or fnmatch.fnmatch(path.name, "prompt.*.md")
    )


def builtin_task_root() -> Path:
    """The folder holding the built-in task folders (installed as `codeeval.tasks`)."""
    package = importlib.import_module(TASKS_PACKAGE)
    return Path(next(iter(package.__path__)))


def builtin_task_names() -> list[str]:
    """Names of the built-in task folders, without reading them."""
    package = importlib.import_module(TASKS_PACKAGE)
    return sorted(
        entry.name
        for root in package.__path__
        for entry in Path(root).iterdir()
        if (entry / "task.toml").is_file() and not entry.name.startswith("_")
    )


def load_builtin_tasks() -> list[Task]:
    """Every built-in task folder, read and checked."""
    root = builtin_task_root()
    return [load_task_folder(root / name) for name in builtin_task_names()]


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
