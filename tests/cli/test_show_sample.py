"""`codeeval show RUN --task T --model M [--sample I]`: samples in the terminal, escaped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from tests.cli.conftest import assert_one_line_error

Codeeval = Callable[..., CompletedProcess[str]]
ANSWER = (
    "Sure!\x1b[2J\x1b]0;owned\x07 \u202eevil\n```python\n"
    "def quicksort(items) :\n    return sorted(items)  # \x1b[31mred\n```"
)
WRONG = "```python\ndef quicksort(items):\n    return items\n```"


def _run(codeeval: Codeeval, tmp_path: Path) -> None:
    lines = [
        {"task_id": "quicksort", "completion": ANSWER},
        {"task_id": "quicksort", "completion": WRONG},
    ]
    (tmp_path / "answers.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    ran = codeeval(
        "run", "--tasks", "quicksort", "--model", "replay/answers.jsonl", "--samples", "2"
    )
    assert ran.returncode in (0, 1), ran.stderr


def test_show_prints_a_cells_samples_with_no_control_character(
    codeeval: Codeeval, tmp_path: Path
) -> None:
    _run(codeeval, tmp_path)
    shown = codeeval("show", "1", "--task", "quicksort", "--model", "replay/answers.jsonl")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "=== quicksort · replay/answers.jsonl · sample 0: passed ===" in out
    assert "=== quicksort · replay/answers.jsonl · sample 1: failed ===" in out
    assert "Sure!\\x1b[2J\\x1b]0;owned\\x07 \\u202eevil" in out
    assert "--- code ---\ndef quicksort(items) :" in out
    assert "line 1: E203" in out  # PEP 8 violations by line
    assert "error: " in out.split("sample 1: failed")[1]
    assert not any(ch in out for ch in "\x1b\x07\u202e")
    one = codeeval(
        "show", "1", "--task", "quicksort", "--model", "replay/answers.jsonl", "--sample", "1"
    )
    assert one.returncode == 0 and "sample 0" not in one.stdout and "sample 1" in one.stdout
    as_json = codeeval(
        "show", "1", "--task", "quicksort", "--model", "replay/answers.jsonl", "--json"
    )
    samples = json.loads(as_json.stdout)
    assert [(s["sample_index"], s["status"]) for s in samples] == [(0, "passed"), (1, "failed")]
    assert samples[1]["error"] and samples[0]["error"] is None


def test_show_names_what_the_run_has_when_a_sample_is_missing(
    codeeval: Codeeval, tmp_path: Path
) -> None:
    _run(codeeval, tmp_path)
    model = "replay/answers.jsonl"
    assert_one_line_error(
        codeeval("show", "1", "--task", "nope", "--model", model),
        "run 1 has no task 'nope'; its tasks: quicksort",
    )
    assert_one_line_error(
        codeeval("show", "1", "--task", "quicksort", "--model", "m"),
        f"run 1 has no model 'm'; its models: {model}",
    )
    assert_one_line_error(
        codeeval("show", "1", "--task", "quicksort", "--model", model, "--sample", "7"),
        "run 1 has no sample 7 of quicksort and replay/answers.jsonl; it has samples 0 to 1",
    )
    assert_one_line_error(codeeval("show", "1", "--task", "quicksort"), "--task and --model")
