"""`codeeval history`: a metric's trend over the last runs, per model, with sparklines."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from codeeval.cli._app import (
    ConfigOption,
    DbOption,
    Hints,
    JsonOption,
    app,
    open_store,
    split_values,
    stdout,
)
from codeeval.cli._comparison import say

if TYPE_CHECKING:
    from codeeval.report.history import Trend

_BARS = "▁▂▃▄▅▆▇█"


def sparkline(
    values: list[float | None], low: float | None = None, high: float | None = None
) -> str:
    """One character per value, its height within [low, high] (default: the values' range).

    A missing value is a space; all equal values sit in the middle.
    """
    present = [v for v in values if v is not None]
    if not present:
        return " " * len(values)
    bottom = min(present) if low is None else low
    top = max(present) if high is None else high
    span = top - bottom
    chars = []
    for value in values:
        if value is None:
            chars.append(" ")
        elif span <= 0:
            chars.append(_BARS[len(_BARS) // 2])
        else:
            share = min(1.0, max(0.0, (value - bottom) / span))
            chars.append(_BARS[round(share * (len(_BARS) - 1))])
    return "".join(chars)


@app.command()
def history(
    models: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="Only this model (repeatable).")
    ] = None,
    task: Annotated[str | None, typer.Option("--task", help="One task instead of all.")] = None,
    metric: Annotated[str, typer.Option("--metric", help="pass@1 (default), compiles, ...")] = (
        "pass@1"
    ),
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="Runs per trend.")] = 14,
    db: DbOption = None,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """The trend of a metric over the last runs, per model: a sparkline and the latest values."""
    from codeeval.report.history import check_metric, trends

    check_metric(metric)
    store = open_store(db, config_file)
    try:
        found = trends(
            store, metric=metric, models=split_values(models) or (), task=task, limit=limit
        )
    finally:
        store.close()
    if json_output:
        sys.stdout.write(json.dumps([t.model_dump() for t in found], indent=2) + "\n")
        return
    if not found:
        where = f" on {task}" if task else ""
        say(
            f"no finished run{where} with {metric} for "
            f"{', '.join(split_values(models) or ()) or 'any model'}; list the runs with: "
            f"{Hints(db, config_file).command('runs')}"
        )
        return
    stdout.print(_table(found, metric, task))


def _table(found: list[Trend], metric: str, task: str | None) -> Table:
    from codeeval.scoring import METRICS

    fmt = next(m.fmt for m in METRICS if m.name == metric)
    share = fmt.endswith("%")
    title = f"{metric} over the last runs" + (f" on {task}" if task else "") + " (oldest → newest)"
    table = Table(title=title, title_justify="left")
    for column in (
        "model",
        "trend",
        "runs",
        "first",
        "latest",
        "95% interval",
        "change",
        "red nights",
    ):
        table.add_column(column, justify="left" if column in ("model", "trend") else "right")
    for trend in found:
        values = [p.value for p in trend.points]
        line = sparkline(values, 0.0 if share else None, 1.0 if share else None)
        first, last = trend.points[0], trend.points[-1]
        interval = (
            f"{format(last.low, fmt)} … {format(last.high, fmt)}"
            if last.low is not None and last.high is not None
            else "—"
        )
        change = (
            format(last.value - first.value, "+" + fmt)
            if last.value is not None and first.value is not None and len(trend.points) > 1
            else "—"
        )
        red = sum(1 for p in trend.points if p.red)
        table.add_row(
            Text(trend.model),
            Text(line),
            str(len(trend.points)),
            "—" if first.value is None else format(first.value, fmt),
            "—" if last.value is None else format(last.value, fmt),
            interval,
            change,
            str(red),
        )
    return table
