"""Runs stored by earlier versions (their config held db, out, formats...) show, report, resume."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from codeeval.task import select_tasks

FIRST_RELEASE = Path(__file__).parents[1] / "store" / "data" / "first-release.db"


def test_a_first_release_database_shows_reports_and_resumes(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    shutil.copy(FIRST_RELEASE, tmp_path / "old.db")
    (task,) = select_tasks(["quicksort"])
    answer = {"task_id": "quicksort", "completion": f"```python\n{task.reference}```"}
    (tmp_path / "answers.jsonl").write_text(json.dumps(answer) + "\n")
    shown = codeeval("show", "1", "--db", "old.db", "--json")
    assert shown.returncode == 0, shown.stderr
    old = json.loads(shown.stdout)
    assert old["run"]["config"]["db"] == "codeeval-results/codeeval.db"  # as it was stored
    assert old["models"][0]["pass_at"]["1"]["value"] == 1.0
    report = codeeval("report", "1", "--db", "old.db", "--format", "markdown")
    assert report.returncode == 0 and "| reference |" in report.stdout, report.stderr
    # Run 2 was interrupted with a failed generation: resuming retries it, with the run's
    # own model and language, whatever the stored config holds besides them.
    resumed = codeeval("run", "--resume", "2", "--db", "old.db", "--json")
    assert resumed.returncode == 0, resumed.stderr
    data = json.loads(resumed.stdout)
    assert data["run"]["status"] == "finished" and data["run"]["lang"] == "zh"
    (model,) = data["models"]
    assert model["model"] == "replay/answers.jsonl" and model["pass_at"]["1"]["value"] == 1.0
    assert (tmp_path / "old-reports" / "run-2" / "report.json").is_file()
