"""`codeeval report --history -o DIR`: the history site from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from tests.cli.conftest import assert_one_line_error


def test_report_history_on_the_command_line(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    (tmp_path / "answers.jsonl").write_text('{"task_id": "quicksort", "completion": "no"}\n')
    for _ in range(2):
        ran = codeeval("run", "--tasks", "quicksort", "--model", "reference,replay/answers.jsonl")
        assert ran.returncode in (0, 1), ran.stderr
    made = codeeval("report", "--history", "-o", "site", "--limit", "5")
    assert made.returncode == 0, made.stderr
    assert made.stderr.strip() == f"wrote 4 page(s); open site{'/'}index.html"
    assert (tmp_path / "site" / "compare-2-1.html").is_file()
    assert_one_line_error(codeeval("report", "--history"), "-o FOLDER")
    assert_one_line_error(codeeval("report"), "give a run id")
    assert_one_line_error(
        codeeval("report", "--history", "-o", "s2", "--model", "nobody"),
        "holds no finished run of nobody",
    )
