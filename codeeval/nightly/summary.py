"""The night in Markdown: the summary a CI job shows (`GITHUB_STEP_SUMMARY`) or a PR quotes."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

from codeeval.errors import OutputNotWritable, os_error_reason
from codeeval.report import ReportData
from codeeval.scoring import METRICS

_PERCENT = frozenset(metric.name for metric in METRICS if metric.fmt.endswith("%"))


def default_hint(*args: str) -> str:
    """`python -m codeeval ARGS`, shell-quoted."""
    return shlex.join(["python", "-m", "codeeval", *args])


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: no pipe, no newline, no HTML."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def _number(value: float | None, percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value:+.1%}" if percent else f"{value:+.3g}"


def nightly_markdown(data: ReportData, hint: Callable[..., str] = default_hint) -> str:
    """The verdict, every problem, each model's changes and the flipped tasks, in Markdown."""
    verdict, comparison = data.verdict, data.comparison
    state = "no verdict" if verdict is None else ("🔴 red" if verdict.red else "🟢 green")
    lines = [f"## codeeval nightly: run {data.run.id}, {state}", ""]
    if verdict is not None:
        lines += [_cell(verdict.summary), ""]
        lines += [f"- **{p.kind}**: {_cell(p.message)}" for p in verdict.problems]
        if verdict.problems:
            lines.append("")
    if comparison is not None:
        overall = [c for c in comparison.changes if c.task_id is None]
        if overall:
            lines += [
                "| model | metric | baseline | now | change | 95% interval | test | p |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for c in overall:
                percent = c.metric in _PERCENT
                interval = (
                    f"{_number(c.low, percent)} … {_number(c.high, percent)}"
                    if c.low is not None and c.high is not None
                    else "—"
                )
                flag = " **regression**" if c.regression else ""
                lines.append(
                    f"| {_cell(c.model)} | {c.metric} | {_plain(c.baseline, percent)} | "
                    f"{_plain(c.current, percent)} | {_number(c.delta, percent)}{flag} | "
                    f"{interval} | {c.test or '—'} | "
                    f"{'—' if c.p_value is None else format(c.p_value, '.3g')} |"
                )
            lines.append("")
        if comparison.flips:
            lines += ["| model | task | before | now | open the sample |", "|---|---|---|---|---|"]
            for flip in comparison.flips:
                command = hint(*flip.show_args(data.run.id)) if flip.sample is not None else "—"
                lines.append(
                    f"| {_cell(flip.model)} | {_cell(flip.task_id)} | {flip.before} | "
                    f"{flip.after} | `{_cell(command)}` |"
                )
            lines.append("")
        for label, names in (
            ("New models", comparison.new_models),
            ("New tasks", comparison.new_tasks),
            ("Edited tasks (not compared)", comparison.edited_tasks),
        ):
            if names:
                lines += [f"{label}: {_cell(', '.join(names))}", ""]
    return "\n".join(lines)


def _plain(value: float | None, percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.1%}" if percent else f"{value:.3g}"


def append_step_summary(path: Path, text: str) -> None:
    """Append `text` to a GitHub Actions step summary file (made when missing).

    Raises:
        OutputNotWritable: it cannot be written.
    """
    try:
        with path.open("a", encoding="utf-8") as file:
            file.write(text.rstrip("\n") + "\n\n")
    except OSError as exc:
        raise OutputNotWritable(
            f"GITHUB_STEP_SUMMARY {path}: cannot append the summary: {os_error_reason(exc)}"
        ) from None
