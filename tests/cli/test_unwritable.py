"""Output that cannot be written: one line naming the path, exit 2, nothing graded lost.

The tests run as root, whom permission bits do not stop, so the places used here fail for
anyone: a folder where a file should be, a path below a regular file, and /proc.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli.conftest import assert_one_line_error


def _last_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 2, no traceback, and the last line of stderr an error holding every needle."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: "), result.stderr
    for needle in needles:
        assert needle in last, (needle, last)
    return last


def test_a_report_that_cannot_be_written_names_it_and_keeps_the_run(codeeval, tmp_path) -> None:
    (tmp_path / "out" / "run-1" / "report.md").mkdir(parents=True)  # a folder in the way
    result = codeeval("run", "--tasks", "quicksort", "--out", "out", "--format", "json,markdown")
    last = _last_line_error(result, "out/run-1/report.md", "run 1 is stored")
    assert (tmp_path / "out" / "run-1" / "report.json").is_file()  # the one that could be
    hint = last.split("write it with: ", 1)[1]
    assert hint == "python -m codeeval report 1 --format markdown"
    again = codeeval(*hint.split()[3:])
    assert again.returncode == 0 and "| reference |" in again.stdout
    listed = json.loads(codeeval("runs", "--json").stdout)
    assert [(run["id"], run["status"], run["graded"]) for run in listed] == [(1, "finished", 1)]


def test_a_report_folder_that_cannot_be_made_is_named_before_anything_runs(
    codeeval, tmp_path
) -> None:
    (tmp_path / "afile").write_text("")
    for out in ("afile/reports", "/proc/codeeval-reports"):
        result = codeeval("run", "--tasks", "quicksort", "--out", out)
        _last_line_error(result, out, "--out")
    assert json.loads(codeeval("runs", "--json").stdout) == []


def test_a_database_that_cannot_be_created_is_named(codeeval, tmp_path) -> None:
    (tmp_path / "afile").write_text("")
    result = codeeval("run", "--tasks", "quicksort", "--db", "afile/results.db")
    _last_line_error(result, "afile", "--db")


def test_a_task_folder_that_cannot_be_created_is_named(codeeval, tmp_path) -> None:
    (tmp_path / "afile").write_text("")
    result = codeeval("tasks", "new", "mine", "--dir", "afile/tasks")
    assert_one_line_error(result, "afile/tasks", "--dir")


def test_a_report_file_that_cannot_be_written_is_named(codeeval, tmp_path) -> None:
    assert codeeval("run", "--tasks", "quicksort").returncode == 0
    (tmp_path / "afile").write_text("")
    assert_one_line_error(codeeval("report", "1", "-o", "afile/report.md"), "afile/report.md")
    assert not Path(tmp_path / "afile").read_text()
