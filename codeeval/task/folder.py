"""Task folders: the `task.toml` schema, reading and checking one folder, the built-in suite.

A task is a folder holding `task.toml`, `prompt.<lang>.md` (English required), `solution.py`,
`tests.py` and, optionally, `inputs.py`; `docs/tasks.md` documents the format.

A task folder is trusted (its `tests.py` and `inputs.py` run in the grader), but what it can
ask for is bounded: a limit above its maximum, a file larger than `MAX_TASK_FILE_BYTES`, a file
that is not a regular file, and a link that leaves the folder are refused with `BadTaskFile`,
never clamped or followed.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from codeeval.errors import BadTaskFile
from codeeval.syntax_trees import parse_tree
from codeeval.task.source import content_hash
from codeeval.types import DifferentialSpec, PromptStyle, Task, TaskLimits

TASKS_PACKAGE = "codeeval.tasks"
MUTANTS_DIR = "mutants"
_TASK_FILES = ("task.toml", "solution.py", "tests.py", "inputs.py")

# The most a task file may ask for (docs/tasks.md, "Limits"). MAX_TIME_LIMIT_S also caps the
# time limit the reference's time gives (codeeval.task.prepare.time_limit_s).
MAX_TIME_LIMIT_S = 60.0
MAX_TIME_FACTOR = 100.0
MIN_MEMORY_MB = 64
MAX_MEMORY_MB = 16_384
MAX_CASES = 10_000
MAX_SIZE = 1_000_000
MAX_SIZES = 100
MAX_TASK_FILE_BYTES = 4 << 20

_Size = Annotated[int, Field(ge=0, le=MAX_SIZE)]


class _Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    time_factor: float = Field(10.0, gt=0, le=MAX_TIME_FACTOR)
    min_time_limit_s: float = Field(2.0, gt=0, le=MAX_TIME_LIMIT_S)
    memory_mb: int = Field(1024, ge=MIN_MEMORY_MB, le=MAX_MEMORY_MB)


class _Differential(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(20, ge=0, le=MAX_CASES)
    seed: int = 20240601
    sizes: list[_Size] = Field(default_factory=lambda: [0, 1, 2, 5, 10, 50], max_length=MAX_SIZES)
    float_for_int: bool = False


class _Complexity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sizes: list[_Size] = Field(default_factory=list, max_length=MAX_SIZES)


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


def _refuse_outside_link(path: Path, root: Path) -> None:
    """Raise when `path` is a link whose target is not inside `root` (the resolved folder)."""
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise BadTaskFile(f"{path}: a link that leads nowhere; put the file itself here") from None
    if not target.is_relative_to(root):
        raise BadTaskFile(
            f"{path}: a link to {target}, outside the task folder; codeeval follows no link "
            "that leaves a task folder: put the file itself in the folder"
        )


def _read_text(path: Path, root: Path) -> str:
    """A task file's text, once it is known to be a regular file of sane size in `root`."""
    _refuse_outside_link(path, root)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise BadTaskFile(f"{path}: is a folder; it must be a file")
        if not stat.S_ISREG(info.st_mode):
            raise BadTaskFile(f"{path}: not a regular file; a task file must be plain text")
        if info.st_size > MAX_TASK_FILE_BYTES:
            raise BadTaskFile(
                f"{path}: {info.st_size} bytes; the maximum is {MAX_TASK_FILE_BYTES} bytes"
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadTaskFile(f"{path}: missing; every task folder needs this file") from None
    except UnicodeDecodeError as exc:
        raise BadTaskFile(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise BadTaskFile(f"{path}: cannot be read: {exc.strerror or exc}") from None


def _parse_python(path: Path, source: str) -> ast.Module:
    try:
        return parse_tree(source, filename=str(path))
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


def _read_toml(path: Path, root: Path) -> TaskToml:
    try:
        data = tomllib.loads(_read_text(path, root))
        return TaskToml.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise BadTaskFile(f"{path}: invalid TOML: {exc}") from None
    except ValidationError as exc:
        raise BadTaskFile(f"{path}: {_explain(exc.errors()[0])}") from None


def _explain(error: ErrorDetails) -> str:
    """`key: problem`, or `key = value: <the bound it breaks>` for a value out of bounds."""
    where = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]
    ).lstrip(".")
    where = where or "(top level)"
    bounds: dict[str, Any] = dict(error.get("ctx") or {})
    value = error["input"]
    if error["type"] == "too_long":
        limit = bounds["max_length"]
        return f"{where} = {len(value)} entries: over the maximum of {limit} entries"
    if error["type"] in ("less_than_equal", "less_than"):
        limit = bounds["le"] if "le" in bounds else bounds["lt"]
        return f"{where} = {value!r}: over the maximum of {_number(limit)} (docs/tasks.md, Limits)"
    if error["type"] == "greater_than_equal":
        return f"{where} = {value!r}: below the minimum of {_number(bounds['ge'])}"
    if error["type"] == "greater_than":
        return f"{where} = {value!r}: must be more than {_number(bounds['gt'])}"
    return f"{where}: {error['msg']}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _read_prompts(folder: Path, root: Path) -> dict[str, str]:
    prompts = {
        path.name.removeprefix("prompt.").removesuffix(".md"): _read_text(path, root).strip()
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
    root = _resolved_folder(folder)
    meta = _read_toml(folder / "task.toml", root)
    prompts = _read_prompts(folder, root)
    reference = _read_text(folder / "solution.py", root)
    if meta.entry_point not in _defined_functions(_parse_python(folder / "solution.py", reference)):
        raise BadTaskFile(f"{folder / 'solution.py'}: does not define {meta.entry_point}()")
    tests = _read_text(folder / "tests.py", root)
    test_names = _defined_functions(_parse_python(folder / "tests.py", tests))
    if not any(name.startswith("test_") or name == "check" for name in test_names):
        raise BadTaskFile(f"{folder / 'tests.py'}: defines no test_*(candidate) function")
    inputs_path = folder / "inputs.py"
    exists = inputs_path.exists() or inputs_path.is_symlink()
    inputs = _read_text(inputs_path, root) if exists else None
    if inputs is not None and "generate" not in _defined_functions(
        _parse_python(inputs_path, inputs)
    ):
        raise BadTaskFile(f"{inputs_path}: does not define generate(size, rng)")
    if inputs is None and (meta.differential or meta.complexity.sizes):
        raise BadTaskFile(f"{inputs_path}: missing; [differential] and [complexity] need it")
    _read_mutants(folder, root)  # refused here, not first when `tasks check` runs
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


@dataclass(frozen=True, slots=True)
class Mutant:
    """A deliberately broken copy of a task's reference; some test must fail on it.

    A slow mutant (`complexity` set, from a `# Complexity: O(n^2)` line) is correct but
    slow: it must pass every test and be measured with that class.
    """

    name: str
    code: str
    description: str = ""
    complexity: str | None = None


def load_mutants(task: Task) -> list[Mutant]:
    """The mutants kept beside a task folder, sorted by name; none for other task sources.

    The description is the mutant's first line when it is a comment (`# Mutant: ...`); a
    line `# Complexity: O(...)` among its first comment lines makes it a slow mutant.

    Raises:
        BadTaskFile: a mutant is a link leaving the task folder, or not a readable text file.
    """
    folder = Path(task.source) if task.source else None
    if folder is None or not folder.is_dir():
        return []
    mutants = []
    for path, code in _read_mutants(folder, _resolved_folder(folder)):
        lines = code.split("\n")
        first = lines[0]
        description = first.lstrip("#").strip() if first.startswith("#") else ""
        complexity = None
        for line in lines[:5]:
            if not line.startswith("#"):
                break
            text = line.lstrip("#").strip()
            if text.lower().startswith("complexity:"):
                complexity = text.split(":", 1)[1].strip() or None
        description = description.removeprefix("Mutant:").strip()
        mutants.append(Mutant(path.stem, code, description, complexity))
    return mutants


def _read_mutants(folder: Path, root: Path) -> list[tuple[Path, str]]:
    mutants = folder / MUTANTS_DIR
    _refuse_outside_link(mutants, root)
    if not mutants.is_dir():
        return []
    return [(path, _read_text(path, root)) for path in sorted(mutants.glob("*.py"))]


def _resolved_folder(folder: Path) -> Path:
    try:
        return folder.resolve(strict=True)
    except (OSError, RuntimeError):
        raise BadTaskFile(f"{folder}: not a task folder (it cannot be opened)") from None
