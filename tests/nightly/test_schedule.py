"""`nightly --init github` writes a workflow that parses and runs the nightly; cron runs it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import yaml

from tests.cli.conftest import assert_one_line_error

Codeeval = Callable[..., CompletedProcess[str]]


def test_the_github_workflow_parses_and_runs_the_nightly_with_the_history_kept(
    codeeval: Codeeval, tmp_path: Path
) -> None:
    (tmp_path / "codeeval.toml").write_text(
        '[nightly]\ntasks = ["all"]\nmodels = ["openai/gpt-4o", "anthropic/claude-sonnet-4-5", '
        '"reference"]\n'
    )
    done = codeeval("nightly", "--init", "github")
    assert done.returncode == 0, done.stderr
    path = tmp_path / ".github" / "workflows" / "codeeval-nightly.yml"
    assert done.stdout.startswith(f"wrote {Path('.github/workflows/codeeval-nightly.yml')}; ")
    assert "add these repository secrets: OPENAI_API_KEY, ANTHROPIC_API_KEY" in done.stdout
    workflow = yaml.safe_load(path.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["schedule"] == [{"cron": "30 2 * * *"}]
    steps = workflow["jobs"]["nightly"]["steps"]
    runs = [step for step in steps if step.get("name") == "Run the nightly"]
    (nightly,) = runs
    assert nightly["run"] == (
        "python -m codeeval nightly --db codeeval-results/codeeval.db "
        "--out codeeval-results/reports"
    )
    assert "if" not in nightly  # its exit code is the job's: red night, red job
    assert nightly["env"] == {
        "OPENAI_API_KEY": "${{ secrets.OPENAI_API_KEY }}",
        "ANTHROPIC_API_KEY": "${{ secrets.ANTHROPIC_API_KEY }}",
        "CODEEVAL_NOTIFY_URL": "${{ secrets.CODEEVAL_NOTIFY_URL }}",
    }
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    restore, save = uses["actions/cache/restore"], uses["actions/cache/save"]
    assert restore["with"]["path"] == save["with"]["path"] == "codeeval-results/codeeval.db"
    assert restore["with"]["restore-keys"] == "codeeval-nightly-"
    assert save["if"] == "always()" and uses["actions/upload-artifact"]["if"] == "always()"
    assert uses["actions/upload-artifact"]["with"]["path"] == "codeeval-results/reports"
    order = [step.get("uses", step.get("name")) for step in steps]
    assert order.index(restore["uses"]) < order.index("Run the nightly") < order.index(save["uses"])
    install = next(step for step in steps if step.get("name") == "Install codeeval")
    assert install["run"] == "pip install codeeval"
    assert_one_line_error(codeeval("nightly", "--init", "github"), "exists; remove it")


def test_the_cron_line_runs_as_written(codeeval: Codeeval, tmp_path: Path) -> None:
    config = tmp_path / "team.toml"
    config.write_text(
        '[nightly]\ntasks = ["quicksort"]\nmodels = ["reference"]\nformats = ["json"]\n'
    )
    printed = codeeval("nightly", "--init", "cron", "--db", "nights.db", "--config", str(config))
    assert printed.returncode == 0, printed.stderr
    lines = printed.stdout.splitlines()
    assert lines[0] == "# crontab -e, then add:"
    line = lines[1]
    fields = line.split(" ", 5)
    assert fields[:5] == ["30", "2", "*", "*", "*"]
    assert "[Timer]" in printed.stdout and "OnCalendar=*-*-* 02:30:00" in printed.stdout
    assert "ExecStart=/bin/sh -c " in printed.stdout
    # cron runs the command with sh, from another folder, with a bare environment
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CODEEVAL_NO_PLUGINS": "1"}
    done = subprocess.run(
        ["/bin/sh", "-c", fields[5]], cwd=elsewhere, env=env, timeout=300, check=False
    )
    assert done.returncode == 0
    log = (tmp_path / "codeeval-nightly.log").read_text()
    assert "GREEN: no earlier run of this matrix: this night becomes the baseline" in log
    connection = sqlite3.connect(tmp_path / "nights.db")
    assert connection.execute("select run_id, red from verdicts").fetchall() == [(1, 0)]
    connection.close()
    assert (tmp_path / "nights-reports" / "run-1" / "report.json").is_file()
    assert os.listdir(elsewhere) == []
