"""A RunComparison and a night's verdict in the terminal (`compare`, `show`, `nightly`)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from codeeval.cli._app import Hints, stdout
from codeeval.report import MetricChange, RunComparison, Verdict
from codeeval.scoring import METRICS

_FORMATS = {metric.name: metric.fmt for metric in METRICS}
# The terminal shows the comparison table's metrics, and any other one that regressed.
_HEADLINE = frozenset(metric.name for metric in METRICS if metric.headline)


def _value(metric: str, value: float | None, sign: bool = False) -> str:
    if value is None:
        return "—"
    fmt = _FORMATS.get(metric, ".3g")
    if fmt.endswith("%"):
        fmt = ".1%"
    return format(value, ("+" if sign else "") + fmt)


def changes_table(comparison: RunComparison) -> Table:
    """Each model's change in each headline metric (or any that regressed), unchanged tasks."""
    table = Table(
        title=f"run {comparison.run_id} against run {comparison.baseline_run}", title_justify="left"
    )
    for column in ("model", "metric", "baseline", "now", "change", "95% interval", "test", "p"):
        table.add_column(
            column, justify="left" if column in ("model", "metric", "test") else "right"
        )
    for change in comparison.changes:
        if change.task_id is None and (change.metric in _HEADLINE or change.regression):
            table.add_row(*_cells(change), style="bold red" if change.regression else None)
    return table


def _cells(change: MetricChange) -> list[Text]:
    interval = (
        f"{_value(change.metric, change.low, True)} … {_value(change.metric, change.high, True)}"
        if change.low is not None and change.high is not None
        else "—"
    )
    flag = " REGRESSION" if change.regression else (" significant" if change.significant else "")
    return [
        Text(change.model),
        Text(change.metric),
        Text(_value(change.metric, change.baseline)),
        Text(_value(change.metric, change.current)),
        Text(_value(change.metric, change.delta, True) + flag),
        Text(interval),
        Text(change.test or "—"),
        Text("—" if change.p_value is None else format(change.p_value, ".3g")),
    ]


def print_comparison(comparison: RunComparison, hints: Hints) -> None:
    """The comparison: what was compared, the changes, regressed tasks, flips with samples."""
    say(
        f"run {comparison.run_id} compared with run {comparison.baseline_run} "
        f"({comparison.baseline_created_at[:10]}"
        + (f", {comparison.baseline_reason})" if comparison.baseline_reason else ")")
    )
    if any(change.task_id is None for change in comparison.changes):
        stdout.print(changes_table(comparison))
    else:
        say("no model ran an unchanged task in both runs: nothing to compare")
    for change in comparison.changes:
        if change.task_id is not None and change.regression:
            test = f" ({change.test} p={change.p_value:.3g})" if change.p_value is not None else ""
            say(
                f"REGRESSION {change.model} on {change.task_id}: pass@1 "
                f"{_value('pass@1', change.baseline)} → {_value('pass@1', change.current)}{test}",
                style="bold red",
            )
    for flip in comparison.flips:
        where = f"{flip.model} on {flip.task_id}: {flip.before} → {flip.after}"
        if flip.sample is None:
            say(f"flipped: {where}")
            continue
        command = hints.command(*flip.show_args(comparison.run_id))
        say(f"flipped: {where}; open it with: {command}")
    for label, names in (
        ("new model(s), no baseline to compare with", comparison.new_models),
        ("new task(s), no baseline to compare with", comparison.new_tasks),
        ("edited task(s) (content changed), not compared", comparison.edited_tasks),
    ):
        if names:
            say(f"{label}: {', '.join(names)}")


def print_verdict(verdict: Verdict) -> None:
    """RED or GREEN with the summary line, then one line per problem."""
    if verdict.red:
        say(f"RED: {verdict.summary}", style="bold red")
    else:
        say(f"GREEN: {verdict.summary}", style="bold green")
    for problem in verdict.problems:
        say(f"  {problem.kind}: {problem.message}", style="red")


def say(text: str, style: str | None = None) -> None:
    """One line on stdout, as it is: no markup, no highlighting, never wrapped."""
    stdout.print(text, style=style, markup=False, highlight=False, soft_wrap=True)
