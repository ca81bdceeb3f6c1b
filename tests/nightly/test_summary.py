"""The night in Markdown: what models and servers wrote cannot break the summary's tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from codeeval.nightly.summary import nightly_markdown
from codeeval.report import Problem, Verdict, build_report
from tests.report.test_build import F, P, _run


def test_hostile_text_stays_inside_its_line_and_cell() -> None:
    before = _run(1, {("a|b", "m<script>"): [P]})
    data = build_report(_run(2, {("a|b", "m<script>"): [F]}), before, baseline_reason="x")
    data.verdict = Verdict(
        red=True,
        problems=[Problem(kind="outage", message="HTTP 500 <img src=x onerror=alert(1)>\n| x |")],
        summary="1 outage",
    )
    text = nightly_markdown(data)
    assert "- **outage**: HTTP 500 &lt;img src=x onerror=alert(1)&gt; \\| x \\|" in text
    assert "<script>" not in text and "<img" not in text
    (flip,) = [line for line in text.splitlines() if "| pass | fail |" in line]
    assert flip.startswith("| m&lt;script&gt; | a\\|b | pass | fail | `")
    assert flip.count(" | ") == 4  # five cells: no cell was split


def test_an_unwritable_step_summary_is_a_warning_not_the_verdict(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    folder = tmp_path / "summary-is-a-folder"
    folder.mkdir()
    night = codeeval(
        "nightly", "--tasks", "quicksort", "--model", "reference", "--format", "json",
        env={"GITHUB_STEP_SUMMARY": str(folder)},
    )  # fmt: skip
    assert night.returncode == 0, night.stderr
    assert f"warning: GITHUB_STEP_SUMMARY {folder}: cannot append the summary: " in night.stderr
