"""Task folders: the `task.toml` schema, reading and checking one folder, the built-in suite.

A task is a folder holding `task.toml`, `prompt.<lang>.md` (English required), `solution.py`,
`tests.py` and, optionally, `inputs.py`; `docs/tasks.md` documents the format.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codeeval.errors import BadTaskFile
from codeeval.task.source import content_hash
from codeeval.types import DifferentialSpec, PromptStyle, Task, TaskLimits

TASKS_PACKAGE = "codeeval.tasks"
MUTANTS_DIR = "mutants"
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


@dataclass(frozen=True, slots=True)
class Mutant:
    """A deliberately broken copy of a task's reference; some test must fail on it."""

    name: str
    code: str
    description: str = ""


def load_mutants(task: Task) -> list[Mutant]:
    """The mutants kept beside a task folder, sorted by name; none for other task sources.

    The description is the mutant's first line when it is a comment (`# Mutant: ...`).
    """
    folder = Path(task.source) / MUTANTS_DIR if task.source else None
    if folder is None or not folder.is_dir():
        return []
    mutants = []
    for path in sorted(folder.glob("*.py")):
        code = path.read_text(encoding="utf-8")
        first = code.split("\n", 1)[0]
        description = first.lstrip("#").strip() if first.startswith("#") else ""
        mutants.append(Mutant(path.stem, code, description.removeprefix("Mutant:").strip()))
    return mutants
