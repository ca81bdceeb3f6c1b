"""`codeeval nightly` night after night on a temporary database, as a team's scheduler runs it.

Models that need no network: `reference`, replay files whose answers change between nights,
and an OpenAI-compatible server on 127.0.0.1 (`vllm/`) that fails every generation.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.cli.conftest import assert_one_line_error
from tests.servers.base import WireServer, plain_error
from tests.servers.openai_wire import routes

Codeeval = Callable[..., CompletedProcess[str]]
TASKS = Path(__file__).resolve().parents[2] / "tasks"
GOOD = "```python\ndef quicksort(items):\n    return sorted(items)\n```"
BAD = "```python\ndef quicksort(items):\n    return list(items)\n```"
DAY = r"\d{4}-\d{2}-\d{2}"


def _answers(path: Path, answer: str, samples: int = 1, task: str = "quicksort") -> None:
    path.write_text(
        "".join(json.dumps({"task_id": task, "completion": answer}) + "\n" for _ in range(samples))
    )


def _verdict(result: CompletedProcess[str]) -> str:
    (line,) = [line for line in result.stdout.splitlines() if line.startswith(("GREEN: ", "RED: "))]
    return line


def _night(
    codeeval: Codeeval, *args: str, env: dict[str, str] | None = None
) -> CompletedProcess[str]:
    return codeeval("nightly", "--tasks", "quicksort", "--format", "json", *args, env=env)


@pytest.fixture
def replay(tmp_path: Path) -> Path:
    path = tmp_path / "answers.jsonl"
    _answers(path, GOOD)
    return path


def test_good_nights_then_a_regression_then_a_second_bad_night(
    codeeval: Codeeval, tmp_path: Path, replay: Path
) -> None:
    models = ("--model", "reference", "--model", "replay/answers.jsonl")
    first = _night(codeeval, *models)
    assert first.returncode == 0, first.stderr
    assert (
        _verdict(first) == "GREEN: no earlier run of this matrix: this night becomes the baseline"
    )

    second = _night(codeeval, *models)
    assert second.returncode == 0, second.stderr
    assert re.fullmatch(
        rf"GREEN: compared with run 1 \({DAY}, last good night\): no regression, no outage",
        _verdict(second),
    )

    _answers(replay, BAD)
    third = _night(codeeval, *models)
    assert third.returncode == 1, third.stderr
    assert re.fullmatch(
        rf"RED: compared with run 2 \({DAY}, last good night\): 2 regressions", _verdict(third)
    )
    assert "regression: replay/answers.jsonl over the shared tasks: pass@1 100% → 0%" in (
        third.stdout
    )
    assert "flipped: replay/answers.jsonl on quicksort: pass → fail; open it with: " in (
        third.stdout
    )
    assert (
        "python -m codeeval show 3 --task quicksort --model replay/answers.jsonl --sample 0"
        in third.stdout
    )

    fourth = _night(codeeval, *models)  # still broken: compared with the last GOOD night
    assert fourth.returncode == 1, fourth.stderr
    assert re.fullmatch(
        rf"RED: compared with run 2 \({DAY}, last good night\): 2 regressions", _verdict(fourth)
    )
    report = json.loads((tmp_path / "codeeval-results" / "run-4" / "report.json").read_text())
    assert report["verdict"]["red"] is True
    assert report["comparison"]["baseline_run"] == 2
    assert [r["task_id"] for r in report["regressions"]] == [None, "quicksort"]

    _answers(replay, GOOD)
    fixed = _night(codeeval, *models)
    assert fixed.returncode == 0, fixed.stderr
    assert re.fullmatch(
        rf"GREEN: compared with run 2 \({DAY}, last good night\): no regression, no outage",
        _verdict(fixed),
    )


def test_an_outage_of_one_model_is_a_red_night(codeeval: Codeeval, tmp_path: Path) -> None:
    with WireServer(plain_error(500, "<html>upstream down</html>")) as server:
        env = {"VLLM_BASE_URL": f"{server.url}/v1"}
        night = _night(
            codeeval,
            "--model",
            "reference",
            "--model",
            "vllm/coder",
            "--max-attempts",
            "1",
            env=env,
        )
    assert night.returncode == 1, night.stderr
    assert _verdict(night) == (
        "RED: no earlier good night of this matrix: 1 outage "
        "(a red night never becomes the baseline)"
    )
    assert "  outage: vllm/coder: 1 of 1 generations failed (first error: " in night.stdout
    # a red night is never the baseline: the next good night still has none
    again = _night(codeeval, "--model", "reference")
    assert again.returncode == 0, again.stderr
    assert "this night becomes the baseline" in _verdict(again)


def test_a_task_edited_between_nights_is_reported_as_edited_not_compared(
    codeeval: Codeeval, tmp_path: Path, replay: Path
) -> None:
    shutil.copytree(TASKS / "quicksort", tmp_path / "quicksort")
    args = (
        "nightly",
        "--tasks",
        "./quicksort",
        "--model",
        "replay/answers.jsonl",
        "--format",
        "json",
    )
    assert codeeval(*args).returncode == 0
    prompt = tmp_path / "quicksort" / "prompt.en.md"
    prompt.write_text(prompt.read_text() + "\nReturn a new list.\n")
    _answers(replay, BAD)  # would be a regression, were the task the same
    edited = codeeval(*args)
    assert edited.returncode == 0, edited.stdout + edited.stderr
    assert re.fullmatch(
        rf"GREEN: compared with run 1 \({DAY}, last good night\): no regression, no outage; "
        r"edited task\(s\), not compared: quicksort",
        _verdict(edited),
    )
    assert "edited task(s) (content changed), not compared: quicksort" in edited.stdout


def test_a_pinned_baseline_is_compared_with_instead_of_the_last_good_night(
    codeeval: Codeeval, tmp_path: Path, replay: Path
) -> None:
    models = ("--model", "replay/answers.jsonl")
    assert _night(codeeval, *models).returncode == 0
    pinned = codeeval("baseline", "set", "prod", "1")
    assert pinned.returncode == 0, pinned.stderr
    assert pinned.stdout.strip() == "baseline 'prod' is run 1; compare with it: --baseline prod"
    assert _night(codeeval, *models).returncode == 0
    night = _night(codeeval, *models, "--baseline", "prod")
    assert night.returncode == 0, night.stderr
    assert re.fullmatch(
        rf"GREEN: compared with run 1 \({DAY}, pinned as 'prod'\): no regression, no outage",
        _verdict(night),
    )
    shown = codeeval("show", "3", "--baseline", "prod")
    assert shown.returncode == 0, shown.stderr
    header = rf"^run 3 compared with run 1 \({DAY}, pinned as 'prod'\)$"
    assert re.search(header, shown.stdout, re.M)
    listed = codeeval("baseline", "list", "--json")
    assert [(b["name"], b["run_id"]) for b in json.loads(listed.stdout)] == [("prod", 1)]
    assert codeeval("baseline", "delete", "prod").returncode == 0
    assert_one_line_error(
        _night(codeeval, *models, "--baseline", "prod"),
        "--baseline: 'prod':",
        "pinned here: none yet",
    )
    assert_one_line_error(codeeval("baseline", "set", "42", "1"), "not a number")
    assert_one_line_error(codeeval("baseline", "set", "prod", "99"), "no run 99")
    assert_one_line_error(codeeval("baseline", "delete", "prod"), "no baseline named 'prod'")


def test_a_new_model_is_reported_new_not_as_a_regression(
    codeeval: Codeeval, tmp_path: Path, replay: Path
) -> None:
    assert _night(codeeval, "--model", "reference").returncode == 0
    _answers(replay, BAD)
    night = _night(codeeval, "--model", "reference", "--model", "replay/answers.jsonl")
    assert night.returncode == 0, night.stderr
    assert re.fullmatch(
        rf"GREEN: compared with run 1 \({DAY}, last good night\): no regression, no outage; "
        r"new model\(s\): replay/answers.jsonl",
        _verdict(night),
    )
    assert "new model(s), no baseline to compare with: replay/answers.jsonl" in night.stdout


def test_a_failing_reference_is_a_red_night(codeeval: Codeeval, tmp_path: Path) -> None:
    for name in ("quicksort", "gcd_lcm"):
        shutil.copytree(TASKS / name, tmp_path / name)
    (tmp_path / "quicksort" / "solution.py").write_text(
        "def quicksort(items):\n    return list(items)\n"
    )
    night = codeeval(
        "nightly",
        "--tasks",
        "./quicksort,./gcd_lcm",
        "--model",
        "reference",
        "--format",
        "json",
    )
    assert night.returncode == 1, night.stdout + night.stderr
    assert _verdict(night).startswith(
        "RED: no earlier good night of this matrix: 1 failing reference"
    )
    assert "  reference_failing: task quicksort: its reference solution fails" in night.stdout
    # every reference failing: `run` stops with exit 2, the night is judged red
    alone = codeeval("nightly", "--tasks", "./quicksort", "--model", "reference")
    assert alone.returncode == 1, alone.stdout + alone.stderr
    assert _verdict(alone) == (
        "RED: no earlier good night of this matrix: 1 failing reference "
        "(a red night never becomes the baseline)"
    )
    assert (tmp_path / "codeeval-results" / "run-2" / "report.json").is_file()
    ran = codeeval("run", "--tasks", "./quicksort", "--model", "reference")
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert ran.stderr.splitlines()[-1].startswith("error: every selected task's reference")


def test_compare_and_show_with_a_baseline_print_the_same_comparison(
    codeeval: Codeeval, tmp_path: Path, replay: Path
) -> None:
    _answers(replay, GOOD, samples=2)
    assert _night(codeeval, "--model", "replay/answers.jsonl", "--samples", "2").returncode == 0
    _answers(replay, BAD, samples=2)
    assert _night(codeeval, "--model", "replay/answers.jsonl", "--samples", "2").returncode == 1
    compared = codeeval("compare", "1", "2")
    shown = codeeval("show", "2", "--baseline", "1")
    assert compared.returncode == shown.returncode == 0, compared.stderr + shown.stderr
    assert compared.stdout.startswith("run 2 compared with run 1 (")
    assert compared.stdout.split("\n", 1)[1] in shown.stdout  # the same, after the header
    assert "REGRESSION replay/answers.jsonl on quicksort: pass@1 100.0% → 0.0% (Fisher exact" in (
        compared.stdout
    )
    data = json.loads(codeeval("compare", "1", "2", "--json").stdout)
    (flip,) = data["flips"]
    assert (flip["before"], flip["after"], flip["sample"]) == ("pass", "fail", 0)
    assert_one_line_error(codeeval("compare", "1", "7"), "no run 7")


def test_history_shows_the_trend_with_a_sparkline(
    codeeval: Codeeval, tmp_path: Path, replay: Path
) -> None:
    for answer in (GOOD, BAD, GOOD):
        _answers(replay, answer)
        _night(codeeval, "--model", "replay/answers.jsonl")
    shown = codeeval("history", "--model", "replay/answers.jsonl")
    assert shown.returncode == 0, shown.stderr
    assert "█▁█" in shown.stdout
    data = json.loads(codeeval("history", "--json", "--task", "quicksort").stdout)
    (trend,) = data
    assert trend["model"] == "replay/answers.jsonl" and trend["task_id"] == "quicksort"
    assert [(p["run_id"], p["value"], p["red"]) for p in trend["points"]] == [
        (1, 1.0, False),
        (2, 0.0, True),
        (3, 1.0, False),
    ]
    assert_one_line_error(
        codeeval("history", "--metric", "speed"), "--metric speed: unknown metric"
    )


def test_the_summary_is_appended_to_github_step_summary(
    codeeval: Codeeval, tmp_path: Path, replay: Path
) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    assert _night(codeeval, "--model", "replay/answers.jsonl", env=env).returncode == 0
    _answers(replay, BAD)
    assert _night(codeeval, "--model", "replay/answers.jsonl", env=env).returncode == 1
    text = summary.read_text()
    assert text.startswith("earlier step\n")
    assert "## codeeval nightly: run 1, 🟢 green" in text
    assert "## codeeval nightly: run 2, 🔴 red" in text
    assert "- **regression**: replay/answers.jsonl on quicksort: pass@1 100% → 0%" in text
    assert (
        "`python -m codeeval show 2 --task quicksort --model replay/answers.jsonl --sample 0`"
        in (text)
    )


def test_nightly_settings_come_from_the_nightly_table(codeeval: Codeeval, tmp_path: Path) -> None:
    (tmp_path / "codeeval.toml").write_text(
        '[run]\nformats = ["markdown"]\nuse_cache = true\n\n'
        '[nightly]\ntasks = ["quicksort"]\nmodels = ["reference"]\nname = "team-a"\n'
        "max_failure_share = 0.2\n"
    )
    night = codeeval("nightly")
    assert night.returncode == 0, night.stderr
    connection = sqlite3.connect(tmp_path / "codeeval-results" / "codeeval.db")
    assert connection.execute("select run_id, matrix, red from verdicts").fetchall() == [
        (1, "team-a", 0)
    ]
    connection.close()
    # every report format, whatever [run] says; no answer cache unless [nightly] asks
    assert sorted(p.name for p in (tmp_path / "codeeval-results" / "run-1").iterdir()) == [
        "report.html",
        "report.json",
        "report.md",
        "report.xml",
    ]
    (tmp_path / "codeeval.toml").write_text('[nightly]\nnotify_url = "https://hooks.example/x"\n')
    assert_one_line_error(codeeval("nightly"), "[nightly] notify_url: a webhook URL is a secret")
    (tmp_path / "codeeval.toml").write_text("[nightly]\nthresholds = {speed = 0.1}\n")
    assert_one_line_error(codeeval("nightly"), "[nightly] thresholds: speed: not a metric")


def test_hosted_apis_are_sampled_afresh_each_night_unless_asked(codeeval: Codeeval) -> None:
    from tests.servers import openai_wire

    with WireServer(openai_wire.chat(GOOD)) as server:
        env = {"VLLM_BASE_URL": f"{server.url}/v1"}
        for _ in range(2):
            assert _night(codeeval, "--model", "vllm/coder", env=env).returncode == 0
        assert len(server.requests) == 2  # the second night asked again
        cached = _night(codeeval, "--model", "vllm/coder", "--cache", env=env)
        assert cached.returncode == 0, cached.stderr
        assert len(server.requests) == 2  # --cache: answered from the store


def test_the_commands_a_night_prints_name_the_database_of_nightly(
    codeeval: Codeeval, tmp_path: Path
) -> None:
    (tmp_path / "codeeval.toml").write_text(
        '[nightly]\ntasks = ["quicksort"]\nmodels = ["reference", "vllm/coder"]\n'
        'db = "nights.db"\nmax_attempts = 1\nformats = ["json"]\n'
    )
    with WireServer(plain_error(500, "<html>upstream down</html>")) as server:
        night = codeeval("nightly", env={"VLLM_BASE_URL": f"{server.url}/v1"})
    assert night.returncode == 1, night.stderr
    (hint,) = re.findall(r"to retry them: (.*)$", night.stdout + night.stderr, re.M)
    assert hint == "python -m codeeval run --resume 1 --db nights.db"
    # pasted as printed, the hint finds the night (the server is up again: a 200 this time)
    with WireServer(routes) as server:
        resumed = codeeval(*hint.split()[3:], env={"VLLM_BASE_URL": f"{server.url}/v1"})
    assert resumed.returncode == 0, resumed.stderr
