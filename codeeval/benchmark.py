"""A JSONL problem format that benchmark loaders (`codeeval.task.TaskSource`) can share.

A benchmark is a module `tasks/<name>.py` (or a third-party entry point in the group
`codeeval.benchmarks`) whose `load()` returns its tasks, with ids `<name>/<id>`. It is imported
only when selected (`--tasks <name>`, `--tasks <name>/0..9`). `read_jsonl_tasks` reads the
HumanEval record format, one JSON object per line (gzip-compressed when the file ends in
`.gz`), with a few optional keys of codeeval's own; `docs/benchmarks.md` documents both.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codeeval.errors import BadTaskFile
from codeeval.task import content_hash
from codeeval.types import PromptStyle, Task


class ProblemRecord(BaseModel):
    """One line of a JSONL benchmark file: HumanEval's keys plus optional codeeval ones.

    Keys other than these (HumanEval+'s `plus_input`, MBPP's `test_list`...) are ignored.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)
    task_id: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    entry_point: str = Field(min_length=1)
    canonical_solution: str
    test: str = Field(min_length=1)
    prompt_style: PromptStyle = "completion"
    prompts: dict[str, str] = Field(default_factory=dict)
    title: str = ""
    tags: list[str] = Field(default_factory=list)
    time_complexity: str | None = None
    signature: str | None = None


def record_task(record: ProblemRecord, benchmark: str, raw: bytes, source: str = "") -> Task:
    """The Task for one record: id `<benchmark>/<part of task_id after its last '/'>`.

    In completion style the prompt is code to continue: the reference is prompt + canonical
    solution, and the prompt is the code prefix the model's answer is appended to. In instruct
    style the canonical solution is the whole reference.
    """
    completion = record.prompt_style == "completion"
    suffix = record.task_id.rsplit("/", 1)[-1]
    return Task(
        id=f"{benchmark}/{suffix}",
        prompts={**record.prompts, "en": record.prompt},
        entry_point=record.entry_point,
        reference=record.prompt + record.canonical_solution
        if completion
        else record.canonical_solution,
        tests=record.test,
        content_hash=content_hash([("record.json", raw)]),
        signature=record.signature,
        title=record.title or record.task_id,
        tags=(benchmark, *record.tags),
        time_complexity=record.time_complexity,
        prompt_style=record.prompt_style,
        code_prefix=record.prompt if completion else "",
        source=source,
    )


def read_jsonl_tasks(path: Path, benchmark: str) -> list[Task]:
    """Read a JSONL benchmark file into tasks named `<benchmark>/<id>`, in file order.

    Raises:
        BadTaskFile: the file is missing or a line is malformed (`<path>:<line>: <problem>`),
            or two records share an id.
    """
    tasks: dict[str, Task] = {}
    for number, line in _lines(path):
        try:
            data = json.loads(line)
            record = ProblemRecord.model_validate(data)
        except json.JSONDecodeError as exc:
            raise BadTaskFile(f"{path}:{number}: invalid JSON: {exc.msg}") from None
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"]) or "(record)"
            raise BadTaskFile(f"{path}:{number}: {where}: {error['msg']}") from None
        raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        task = record_task(record, benchmark, raw, source=f"{path}:{number}")
        if task.id in tasks:
            raise BadTaskFile(f"{path}:{number}: task_id {record.task_id!r} appears twice")
        tasks[task.id] = task
    return list(tasks.values())


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield number, line
    except FileNotFoundError:
        raise BadTaskFile(f"{path}: missing; the benchmark's data file must ship with it") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise BadTaskFile(f"{path}: cannot be read as UTF-8 JSONL ({exc})") from None
