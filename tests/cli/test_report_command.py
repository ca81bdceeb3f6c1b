"""`report`: one format on stdout or in --output FILE, several as files in a folder; --out kept."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from tests.cli.conftest import assert_one_line_error

Codeeval = Callable[..., CompletedProcess[str]]


def test_one_format_goes_to_stdout_or_to_the_output_file(
    codeeval: Codeeval, tmp_path: Path
) -> None:
    assert codeeval("run", "--tasks", "quicksort", "--format", "json").returncode == 0
    shown = codeeval("report", "1")
    assert shown.returncode == 0 and "| reference |" in shown.stdout  # markdown by default
    written = codeeval("report", "1", "-f", "json", "--output", "one.json")
    assert written.returncode == 0, written.stderr
    assert json.loads((tmp_path / "one.json").read_text())["run"]["id"] == 1
    assert written.stdout == "" and "wrote one.json" in written.stderr


def test_several_formats_write_one_file_each(codeeval: Codeeval, tmp_path: Path) -> None:
    assert codeeval("run", "--tasks", "quicksort", "--format", "json").returncode == 0
    folder = tmp_path / "codeeval-results" / "run-1"
    assert sorted(p.name for p in folder.iterdir()) == ["report.json"]
    # Without --output, into the run's report folder, as `run --format` writes them.
    again = codeeval("report", "1", "--format", "markdown", "--format", "html")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.json", "report.md"]
    assert again.stdout == ""
    chosen = codeeval("report", "1", "--format", "json,html", "-o", "chosen")
    assert chosen.returncode == 0, chosen.stderr
    assert sorted(p.name for p in (tmp_path / "chosen").iterdir()) == [
        "report.html",
        "report.json",
    ]
    (tmp_path / "blocked" / "report.md").mkdir(parents=True)
    blocked = codeeval("report", "1", "-f", "json", "-f", "markdown", "-o", "blocked")
    assert_one_line_error_after_progress(blocked, "blocked/report.md", "writable folder")
    assert_one_line_error(codeeval("report", "1", "-f", "pdf", "-f", "json"), "renderer 'pdf'")


def assert_one_line_error_after_progress(result: CompletedProcess[str], *needles: str) -> None:
    """Exit 2 and an error as the last line, after the lines that said what was written."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in last, (needle, last)


def test_the_old_out_spelling_still_works_with_a_notice(codeeval: Codeeval, tmp_path: Path) -> None:
    assert codeeval("run", "--tasks", "quicksort").returncode == 0
    old = codeeval("report", "1", "--format", "html", "--out", "run1.html")
    assert old.returncode == 0, old.stderr
    assert "<h1>codeeval run 1</h1>" in (tmp_path / "run1.html").read_text()
    notices = [line for line in old.stderr.splitlines() if "deprecated" in line]
    assert notices == [
        "warning: --out is deprecated here; use --output, which takes the same value"
    ]
    both = codeeval("report", "1", "--out", "a.md", "--output", "b.md")
    assert_one_line_error(both, "--out and --output are one option; give --output only")
