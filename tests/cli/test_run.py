"""`python -m codeeval run` end to end: reference and replay providers, reports, history."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from codeeval.scoring import comment_coverage, cyclomatic_complexity, pep8_compliance
from codeeval.task import select_tasks
from tests.cli.conftest import assert_one_line_error

COMPLEXITY_TIER = {"O(n)", "O(n log n)"}


def _report(tmp_path: Path, run_id: int = 1) -> dict:
    return json.loads((tmp_path / "codeeval-results" / f"run-{run_id}" / "report.json").read_text())


def test_quicksort_with_no_key_runs_the_reference_ceiling(codeeval, tmp_path: Path) -> None:
    result = codeeval("run", "--tasks", "quicksort")
    assert result.returncode == 0, result.stderr
    assert "no API key set" in result.stderr and "--model openai/gpt-4o" in result.stderr
    for column in (
        "compile rate",
        "pass@1",
        "time complexity",
        "time vs reference",
        "cyclomatic",
        "PEP8 compliance",
        "comment coverage",
    ):
        assert column in result.stdout
    # The model's row (the header names "time vs reference" too).
    (row,) = [line for line in result.stdout.splitlines() if "│ reference" in line]
    assert row.count("100%") >= 2  # compile rate and pass@1
    report = _report(tmp_path)
    assert report["schema_version"] == 1
    (model,) = report["models"]
    assert model["model"] == "reference"
    assert model["pass_at"]["1"]["value"] == 1.0
    assert model["metrics"]["compiles"]["value"] == 1.0
    # The stored scores are the scoring functions' own values on the graded code.
    (task,) = select_tasks(["quicksort"])
    code = task.reference.rstrip("\n") + "\n"
    assert model["metrics"]["pep8"]["value"] == pep8_compliance(code)
    assert model["metrics"]["cyclomatic"]["value"] == cyclomatic_complexity(code)
    assert model["metrics"]["comments"]["value"] == comment_coverage(code)
    assert model["time_complexity"] in COMPLEXITY_TIER | {None}
    markdown = (tmp_path / "codeeval-results" / "run-1" / "report.md").read_text()
    assert "| reference |" in markdown and "## Tasks" in markdown


def test_json_output_is_pure_json_on_stdout(codeeval, tmp_path: Path) -> None:
    result = codeeval("run", "--tasks", "quicksort", "--json", "--format", "html")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["run"]["id"] == 1 and data["models"][0]["model"] == "reference"
    assert (tmp_path / "codeeval-results" / "run-1" / "report.html").is_file()
    assert not (tmp_path / "codeeval-results" / "run-1" / "report.md").exists()


def test_runs_show_and_report_read_the_history(codeeval, tmp_path: Path) -> None:
    assert codeeval("run", "--tasks", "quicksort").returncode == 0
    assert codeeval("run", "--tasks", "quicksort", "--samples", "2").returncode == 0
    runs = codeeval("runs", "--json")
    listed = json.loads(runs.stdout)
    assert [run["id"] for run in listed] == [2, 1]
    assert listed[0]["samples"] == 2 and listed[0]["graded"] == 2
    assert all(run["status"] == "finished" for run in listed)
    shown = codeeval("show", "1")
    assert shown.returncode == 0 and "reference" in shown.stdout and "100%" in shown.stdout
    html = codeeval("report", "2", "--format", "html", "-o", "run2.html")
    assert html.returncode == 0, html.stderr
    page = (tmp_path / "run2.html").read_text()
    assert "<h1>codeeval run 2</h1>" in page and "pass@2" in page


def test_chinese_prompt_is_sent_and_stored(codeeval, tmp_path: Path) -> None:
    assert codeeval("run", "--tasks", "quicksort", "--lang", "zh").returncode == 0
    connection = sqlite3.connect(tmp_path / "codeeval-results" / "codeeval.db")
    (prompt,) = connection.execute("select prompt from generations").fetchone()
    connection.close()
    (task,) = select_tasks(["quicksort"])
    assert prompt == task.prompts["zh"] and "快速排序" in prompt


def _replay_file(path: Path, answers: list[str]) -> Path:
    path.write_text(
        "".join(json.dumps({"task_id": "quicksort", "completion": a}) + "\n" for a in answers)
    )
    return path


GOOD = "```python\ndef quicksort(items):\n    return sorted(items)\n```"
ANSWERS = {
    "passed": GOOD,
    "syntax_error": "```python\ndef quicksort(items)\n    return items\n```",
    "error": "```python\ndef quicksort(items):\n    raise RuntimeError('boom')\n```",
    "timeout": "```python\ndef quicksort(items):\n    while True:\n        pass\n```",
    "no_code": "I am sorry, I cannot help with sorting.",
    "failed": "```python\ndef quicksort(items):\n    return list(items)\n```",
}


def test_broken_and_hostile_answers_are_scored_samples(codeeval, tmp_path: Path) -> None:
    replay = _replay_file(tmp_path / "answers.jsonl", list(ANSWERS.values()))
    result = codeeval(
        "run",
        "--tasks",
        "quicksort",
        "--model",
        f"replay/{replay}",
        "--samples",
        str(len(ANSWERS)),
        "--min-time-limit",
        "0.5",
        "--time-factor",
        "2",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    statuses = {line["sample_index"]: line["status"] for line in data["samples"]}
    assert statuses == dict(enumerate(ANSWERS))
    (model,) = data["models"]
    assert model["pass_at"]["1"]["value"] == 1 / len(ANSWERS)
    # no_code and syntax_error do not compile; the other four do.
    assert model["metrics"]["compiles"]["value"] == 4 / 6


def test_a_replay_file_missing_a_sample_records_a_generation_error(codeeval, tmp_path) -> None:
    replay = _replay_file(tmp_path / "one.jsonl", [GOOD])
    result = codeeval(
        "run", "--tasks", "quicksort", "--model", f"replay/{replay}", "--samples", "2", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert "1 generation(s) failed" in result.stderr and "--resume 1" in result.stderr
    (model,) = json.loads(result.stdout)["models"]
    assert model["generation_errors"] == 1 and model["samples"] == 1


def test_baseline_regression_fails_the_nightly_run(codeeval, tmp_path: Path) -> None:
    good = _replay_file(tmp_path / "good.jsonl", [GOOD, GOOD])
    bad = _replay_file(tmp_path / "bad.jsonl", [ANSWERS["failed"]] * 2)
    first = codeeval("run", "--tasks", "quicksort", "--model", f"replay/{good}", "--samples", "2")
    assert first.returncode == 0, first.stderr
    same = tmp_path / "same.jsonl"
    same.write_text(bad.read_text())
    # Same model name in both runs: the replay label is the path, so reuse the good path.
    good.write_text(same.read_text())
    second = codeeval(
        "run",
        "--tasks",
        "quicksort",
        "--model",
        f"replay/{good}",
        "--samples",
        "2",
        "--baseline",
        "latest",
        "--fail-on-regression",
    )
    assert second.returncode == 1, second.stderr
    assert "REGRESSION" in second.stdout and "100.0% → 0.0%" in second.stdout
    report = _report(tmp_path, 2)
    assert report["baseline_run"] == 1
    assert report["regressions"][0]["delta"] == -1.0
    calm = codeeval(
        "run",
        "--tasks",
        "quicksort",
        "--model",
        f"replay/{good}",
        "--samples",
        "2",
        "--baseline",
        "2",
        "--fail-on-regression",
    )
    assert calm.returncode == 0, calm.stdout


def _task_folder(root: Path, name: str, reference: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "task.toml").write_text('entry_point = "inc"\n')
    (folder / "prompt.en.md").write_text("Write inc(x) returning x + 1.")
    (folder / "solution.py").write_text(reference)
    (folder / "tests.py").write_text("def test_one(candidate):\n    assert candidate(1) == 2\n")
    return folder


def test_a_task_whose_reference_fails_is_skipped_with_a_warning(codeeval, tmp_path) -> None:
    _task_folder(tmp_path / "suite", "good", "def inc(x):\n    return x + 1\n")
    _task_folder(tmp_path / "suite", "broken", "def inc(x):\n    return x\n")
    result = codeeval("run", "--tasks", "./suite", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [row["task_id"] for row in data["tasks"] if row["cells"]] == ["good"]
    assert any("broken" in w and "reference solution fails" in w for w in data["warnings"])
    assert "skipping task broken" in result.stderr
    only_broken = codeeval("run", "--tasks", "./suite/broken")
    assert only_broken.returncode == 2
    assert only_broken.stderr.strip().splitlines()[-1].startswith("error: every selected task")


def _interval(estimate: dict) -> str:
    """How a share and its interval are shown: `50% [12-88]`."""
    low, high = round(estimate["low"] * 100), round(estimate["high"] * 100)
    return f"{estimate['value']:.0%} [{low}-{high}]"


def test_several_samples_print_a_pass_at_k_table(codeeval, tmp_path: Path) -> None:
    # 2 of 4 samples pass: pass@1 = 50%, pass@2 = 1 - C(2,2)/C(4,2) = 83%, pass@4 = 100%.
    failing = ANSWERS["failed"]
    replay = _replay_file(tmp_path / "half.jsonl", [GOOD, failing, GOOD, failing])
    model = f"replay/{replay}"
    result = codeeval(
        "run", "--tasks", "quicksort", "--model", model, "--samples", "4", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    table = result.stdout[result.stdout.index("pass@k") :]
    assert "pass@1" in table and "pass@2" in table and "pass@4" in table
    row = next(line for line in table.splitlines() if "half.jsonl" in line)
    cells = [cell.strip() for cell in row.strip("│ ").split("│")][1:]
    # Each value with its interval as it is, never a symmetric "± half-width" that would
    # reach past 100%: pass@4 is 100% with an interval below it.
    (stored,) = _report(tmp_path)["models"]
    estimates = [stored["pass_at"][k] for k in ("1", "2", "4")]
    assert [e["value"] for e in estimates] == [0.5, pytest.approx(5 / 6), 1.0]
    assert estimates[2]["low"] < estimates[2]["high"] == 1.0
    assert cells == [_interval(e) for e in estimates]
    assert "±" not in result.stdout


def test_every_report_shows_intervals_as_they_are(codeeval, tmp_path: Path) -> None:
    failing = ANSWERS["failed"]
    replay = _replay_file(tmp_path / "third.jsonl", [GOOD, failing, failing])
    model = f"replay/{replay}"
    formats = ("--format", "json", "--format", "markdown", "--format", "html")
    result = codeeval("run", "--tasks", "quicksort", "--model", model, "--samples", "3", *formats)
    assert result.returncode == 0, result.stderr
    (stored,) = _report(tmp_path)["models"]
    shown = _interval(stored["pass_at"]["1"])
    assert shown.startswith("33% [") and shown != "33%"
    folder = tmp_path / "codeeval-results" / "run-1"
    for text in (
        result.stdout,
        (folder / "report.md").read_text(),
        (folder / "report.html").read_text(),
    ):
        assert shown in text
        assert "±" not in text


def test_one_sample_prints_no_pass_at_k_table(codeeval) -> None:
    result = codeeval("run", "--tasks", "quicksort")
    assert result.returncode == 0, result.stderr
    assert "pass@k" not in result.stdout


def test_a_model_named_twice_runs_once(codeeval, tmp_path: Path) -> None:
    twice = codeeval("run", "--tasks", "quicksort", "--model", "reference", "-m", "reference")
    assert twice.returncode == 0, twice.stderr
    assert "Traceback" not in twice.stderr
    replay = _replay_file(tmp_path / "a.jsonl", [GOOD])
    result = codeeval(
        "run", "--tasks", "quicksort", "-m", f"replay/{replay}", "-m", f"replay/{replay}", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [model["model"] for model in data["models"]] == [f"replay/{replay}"]
    listed = json.loads(codeeval("runs", "--json").stdout)
    assert [run["status"] for run in listed] == ["finished", "finished"]
    assert listed[1]["models"] == ["reference"]


def test_reports_follow_their_database(codeeval, tmp_path: Path) -> None:
    assert codeeval("run").returncode == 0
    default_report = tmp_path / "codeeval-results" / "run-1" / "report.json"
    before = default_report.read_text()
    other = codeeval("run", "--db", str(tmp_path / "elsewhere" / "other.db"), "--samples", "2")
    assert other.returncode == 0, other.stderr
    assert default_report.read_text() == before  # not overwritten by the other database's run 1
    moved = json.loads(
        (tmp_path / "elsewhere" / "other-reports" / "run-1" / "report.json").read_text()
    )
    assert moved["run"]["samples"] == 2
    assert "elsewhere/other-reports/run-1/report.json" in other.stdout
    beside = codeeval("run", "--db", "team/codeeval.db", "--out", "chosen")
    assert beside.returncode == 0, beside.stderr
    assert (tmp_path / "chosen" / "run-1" / "report.md").is_file()
    assert not (tmp_path / "team" / "run-1").exists()


def test_a_prompt_language_no_task_has_is_refused_and_fallbacks_are_counted(codeeval) -> None:
    from tests.cli.conftest import assert_one_line_error

    assert_one_line_error(
        codeeval("run", "--lang", "fr"), "--lang fr: no selected task", "available: en, zh"
    )
    assert_one_line_error(
        codeeval("run", "--tasks", "humaneval/0", "--lang", "zh"), "available: en"
    )
    mixed = codeeval("run", "--tasks", "humaneval/0,quicksort", "--lang", "zh")
    assert mixed.returncode == 0, mixed.stderr
    (warning,) = [line for line in mixed.stderr.splitlines() if "--lang" in line]
    assert "1 of 2 task(s) have no 'zh' prompt" in warning


def test_a_run_where_every_generation_failed_exits_1(codeeval, tmp_path: Path) -> None:
    elsewhere = tmp_path / "other.jsonl"
    elsewhere.write_text(json.dumps({"task_id": "dijkstra", "completion": GOOD}) + "\n")
    result = codeeval("run", "--model", f"replay/{elsewhere}", "--samples", "2")
    assert result.returncode == 1, (result.stdout, result.stderr)
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "all 2 generation(s) failed" in line and "--resume 1" in line
    assert "Traceback" not in result.stderr


NUMPY_ANSWER = (
    "```python\nimport numpy\n\n\ndef quicksort(items):\n"
    "    return list(numpy.sort(numpy.array(items)).tolist())\n```"
)


def test_sandbox_package_lets_programs_import_an_installed_package(codeeval, tmp_path) -> None:
    replay = _replay_file(tmp_path / "numpy.jsonl", [NUMPY_ANSWER])
    model = f"replay/{replay}"
    without = codeeval("run", "--tasks", "quicksort", "--model", model, "--json")
    assert without.returncode == 0, without.stderr
    assert [s["status"] for s in json.loads(without.stdout)["samples"]] == ["error"]

    flagged = codeeval(
        "run", "--tasks", "quicksort", "--model", model, "--sandbox-package", "numpy", "--json"
    )
    assert flagged.returncode == 0, flagged.stderr
    data = json.loads(flagged.stdout)
    assert [s["status"] for s in data["samples"]] == ["passed"]
    # The run records what its programs could import, and where it came from.
    assert data["run"]["config"]["sandbox_packages"] == ["numpy"]
    assert data["run"]["machine"]["sandbox"]["packages"].startswith("numpy at ")

    (tmp_path / "codeeval.toml").write_text('[run]\nsandbox_packages = ["numpy"]\n')
    configured = codeeval("run", "--tasks", "quicksort", "--model", model, "--json")
    assert configured.returncode == 0, configured.stderr
    assert [s["status"] for s in json.loads(configured.stdout)["samples"]] == ["passed"]


def test_sandbox_package_errors_are_one_line(codeeval) -> None:
    unknown = codeeval("run", "--tasks", "quicksort", "--sandbox-package", "no_such_pkg_codeeval")
    assert_one_line_error(unknown, "--sandbox-package no_such_pkg_codeeval: not installed")
    docker = codeeval(
        "run", "--tasks", "quicksort", "--sandbox-package", "numpy", "--executor", "docker"
    )
    assert_one_line_error(docker, "--executor docker cannot expose installed packages")
