"""Every command the CLI prints as a hint works when pasted: it keeps the --db and --config.

Each test runs `python -m codeeval` with a database and a config file at paths that need
quoting (spaces, a quote, brackets), takes the command the CLI printed, and runs exactly that
command through a shell, with this interpreter's `python` first on PATH.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from codeeval.task import select_tasks
from tests.cli.interrupt import interrupt_after_generations
from tests.servers import openai_wire
from tests.servers.base import WireServer, slow

DB = "results [v2]/it's here.db"
CONFIG = "my config.toml"
GOOD = "```python\ndef quicksort(items):\n    return sorted(items)\n```"


def _env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "80"}  # narrow: a hint must not be wrapped
    env.pop("CODEEVAL_CONFIG", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _codeeval(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codeeval", *args],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _hint(output: str, lead: str) -> str:
    """The command printed after `lead`, to the end of its line."""
    (line,) = [line for line in output.splitlines() if lead in line]
    command = line.split(lead, 1)[1].strip()
    assert command.startswith("python -m codeeval "), line
    return command


def _paste(tmp_path: Path, command: str) -> subprocess.CompletedProcess[str]:
    """Run `command` as a user pasting it into a shell in the same folder would."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _replay(path: Path, answers: list[str]) -> str:
    path.write_text(
        "".join(json.dumps({"task_id": "quicksort", "completion": a}) + "\n" for a in answers)
    )
    return f"replay/{path}"


def _runs(tmp_path: Path) -> list[tuple[int, str]]:
    connection = sqlite3.connect(tmp_path / DB)
    try:
        return list(connection.execute("select id, status from runs order by id"))
    finally:
        connection.close()


def test_the_resume_hint_after_ctrl_c_resumes_the_same_run(tmp_path: Path) -> None:
    (task,) = select_tasks(["quicksort"])
    answer = f"```python\n{task.reference}```\n"
    with WireServer(slow(0.4, openai_wire.chat(answer))) as server:
        (tmp_path / CONFIG).write_text(
            "[endpoints.local]\n"
            'provider = "openai-compatible"\n'
            f'base_url = "{server.url}/v1"\n'
            "[endpoints.local.options]\n"
            "max_concurrency = 2\n"
        )
        command = [sys.executable, "-m", "codeeval", "run", "--tasks", "quicksort"]
        command += ["--model", "local/coder", "--samples", "6", "--temperature", "0.8"]
        command += ["--db", DB, "--config", CONFIG]
        process = interrupt_after_generations(command, tmp_path, _env(), tmp_path / DB)
        stderr = process.stderr
        assert process.returncode == 130, stderr
        hint = _hint(stderr, "resume with: ")
        assert _runs(tmp_path) == [(1, "interrupted")]

        resumed = _paste(tmp_path, hint)
        assert resumed.returncode == 0, (hint, resumed.stderr)
        assert _runs(tmp_path) == [(1, "finished")]
        assert len(server.requests) == 6  # the same run, finished: nothing paid twice
    assert not (tmp_path / "codeeval-results" / "codeeval.db").exists()


def test_the_hint_after_every_generation_failed_retries_them(tmp_path: Path) -> None:
    (tmp_path / CONFIG).write_text("")
    model = _replay(tmp_path / "answers.jsonl", [])
    failed = _codeeval(
        tmp_path, "run", "--tasks", "quicksort", "-m", model, "--db", DB, "--config", CONFIG
    )
    assert failed.returncode == 1, failed.stderr
    hint = _hint(failed.stderr, "fix the provider, then: ")
    _replay(tmp_path / "answers.jsonl", [GOOD])  # the fix
    resumed = _paste(tmp_path, hint)
    assert resumed.returncode == 0, (hint, resumed.stderr)
    assert _runs(tmp_path) == [(1, "finished")]
    assert "100%" in resumed.stdout


def test_the_hint_after_some_generations_failed_retries_them(tmp_path: Path) -> None:
    (tmp_path / CONFIG).write_text("")
    model = _replay(tmp_path / "answers.jsonl", [GOOD])
    args = ("run", "--tasks", "quicksort", "-m", model, "-n", "2", "--db", DB, "--config", CONFIG)
    partial = _codeeval(tmp_path, *args)
    assert partial.returncode == 0, partial.stderr
    hint = _hint(partial.stderr, "to retry them: ")
    _replay(tmp_path / "answers.jsonl", [GOOD, GOOD])
    resumed = _paste(tmp_path, hint)
    assert resumed.returncode == 0, (hint, resumed.stderr)
    assert "to retry them" not in resumed.stderr  # nothing left to retry
    shown = _paste(tmp_path, hint.replace("run --resume 1", "show 1 --json", 1))
    assert json.loads(shown.stdout)["models"][0]["samples"] == 2


def test_hints_that_list_or_start_runs_read_the_same_database(tmp_path: Path) -> None:
    from codeeval.store.sql import SqlStore

    (tmp_path / CONFIG).write_text("")
    (tmp_path / DB).parent.mkdir()
    SqlStore(str(tmp_path / DB)).close()  # an empty database
    empty = _codeeval(tmp_path, "runs", "--db", DB, "--config", CONFIG)
    assert empty.returncode == 0, empty.stderr
    started = _paste(tmp_path, _hint(empty.stdout, "start one with: "))
    assert started.returncode == 0, started.stderr
    assert _runs(tmp_path) == [(1, "finished")]

    missing = _codeeval(tmp_path, "show", "7", "--db", DB, "--config", CONFIG)
    assert missing.returncode == 2
    listed = _paste(tmp_path, _hint(missing.stderr, "list the runs with: "))
    assert listed.returncode == 0 and "finished" in listed.stdout

    baseline = ("run", "--tasks", "quicksort", "--baseline", "9", "--db", DB, "--config", CONFIG)
    no_baseline = _codeeval(tmp_path, *baseline)
    assert no_baseline.returncode == 2
    listed = _paste(tmp_path, _hint(no_baseline.stderr, "list the runs with: "))
    assert listed.returncode == 0 and "finished" in listed.stdout


def test_the_providers_hint_reads_the_same_config(tmp_path: Path) -> None:
    (tmp_path / CONFIG).write_text('[endpoints.mine]\nprovider = "ollama"\n')
    result = _codeeval(tmp_path, "run", "--tasks", "quicksort", "--db", DB, "--config", CONFIG)
    assert result.returncode == 0, result.stderr
    providers = _paste(tmp_path, _hint(result.stderr, "see: "))
    assert providers.returncode == 0, providers.stderr
    assert "mine" in providers.stdout  # the endpoint of the config given, not ./codeeval.toml


def test_a_password_in_a_database_url_is_never_printed_in_a_hint() -> None:
    from codeeval.cli._app import Hints

    hints = Hints("postgresql+psycopg://ce:s3cret@db.example:5432/evals", "ci.toml")
    command = hints.command("run", "--resume", "3")
    assert "s3cret" not in command
    assert command == (
        "python -m codeeval run --resume 3 "
        "--db 'postgresql+psycopg://ce:***@db.example:5432/evals' --config ci.toml"
    )
    assert Hints("x y.db").command("providers", db=False) == "python -m codeeval providers"
    for url in ("postgresql://u:p@ss/w@host/db", "mysql://u:s3cret@[::1]:99999/x"):
        shown = Hints(url).command("runs")
        assert "ss/w" not in shown and "s3cret" not in shown and ":***@" in shown


def test_a_database_from_the_environment_is_left_to_it_in_a_pasted_hint(tmp_path: Path) -> None:
    env = {**_env(), "CODEEVAL_DB": str(tmp_path / DB)}

    def shell(command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )

    run = shell([sys.executable, "-m", "codeeval", "run", "--tasks", "quicksort"])
    assert run.returncode == 0, run.stderr
    missing = shell([sys.executable, "-m", "codeeval", "show", "99"])
    assert missing.returncode != 0
    command = _hint(missing.stderr, "list the runs with: ")
    assert command == "python -m codeeval runs"  # CODEEVAL_DB, not --db: no secret shown
    pasted = shell(["bash", "-c", command])
    assert pasted.returncode == 0, pasted.stderr
    assert "quicksort" in pasted.stdout and "finished" in pasted.stdout
