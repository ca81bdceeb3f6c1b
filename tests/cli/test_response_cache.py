"""The response cache tells servers apart: one model name at another base URL is a new model."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from codeeval.task import select_tasks
from tests.servers import openai_wire
from tests.servers.base import WireServer


def _answer(comment: str) -> str:
    (task,) = select_tasks(["quicksort"])
    return f"```python\n# {comment}\n{task.reference}```\n"


def test_the_same_model_name_on_another_server_is_not_answered_from_the_cache(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    with (
        WireServer(openai_wire.chat(_answer("from A"))) as first,
        WireServer(openai_wire.chat(_answer("from B"))) as second,
    ):
        runs = []
        for server in (first, second, second):
            result = codeeval(
                "run",
                "--tasks",
                "quicksort",
                "--model",
                "vllm/coder",
                "--json",
                env={"VLLM_BASE_URL": f"{server.url}/v1"},
            )
            assert result.returncode == 0, result.stderr
            runs.append(json.loads(result.stdout)["models"][0])
        assert (len(first.requests), len(second.requests)) == (1, 1)
        assert [run["cached"] for run in runs] == [0, 0, 1]  # the third: B's own answer
