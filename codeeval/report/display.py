"""How report values are shown: a value with its interval, the comparison table's cells."""

from __future__ import annotations

from codeeval.report.data import MetricValue, ReportData
from codeeval.scoring import METRICS


def format_estimate(estimate: MetricValue | None, fmt: str = ".2f") -> str:
    """The value and its interval as it is: `33% [8-67]` with fmt ".0%", `2.5 [1.0-4.0]`.

    The interval is shown by its bounds, not as a symmetric "± half-width", which would
    imply values that cannot occur (above 100%, below 0) when it is lopsided. Bounds that
    round to the shown value on both sides, or a missing interval, show the value alone; an
    em dash when there is no value.
    """
    if estimate is None:
        return "—"
    value = format(estimate.value, fmt)
    if estimate.low is None or estimate.high is None:
        return value
    unit = "%" if fmt.endswith("%") else ""
    bounds = (estimate.low + 0.0, estimate.high + 0.0)  # + 0.0: no "-0%"
    low, high = (format(bound, fmt).removesuffix(unit) for bound in bounds)
    if low == high == value.removesuffix(unit):  # one sample, or identical values
        return value
    joint = "-" if estimate.low >= 0 else ", "  # "-3--1" would read as a subtraction
    return f"{value} [{low}{joint}{high}]"


def headline_metrics() -> list[tuple[str, str, str]]:
    """(name, label, format) of each headline metric, in the comparison table's order."""
    return [(metric.name, metric.label, metric.fmt) for metric in METRICS if metric.headline]


def higher_is_better(name: str) -> bool:
    """Whether a larger value of metric `name` is better (unknown names: True)."""
    return next((metric.higher_is_better for metric in METRICS if metric.name == name), True)


def table_rows(data: ReportData) -> list[dict[str, str]]:
    """The comparison table as display strings, one dict per model, in column order.

    The columns are the headline metrics of `codeeval.scoring.METRICS`; the time complexity
    column shows the measured class for one task, the share at optimal growth for several.
    """
    rows = []
    for model in data.models:
        row = {"model": model.model}
        for metric in METRICS:
            if not metric.headline:
                continue
            if metric.name == "time_complexity":
                row[metric.label] = model.time_complexity or "—"
            elif metric.name == "pass@1" and 1 in model.pass_at:
                row[metric.label] = format_estimate(model.pass_at[1], metric.fmt)
            else:
                row[metric.label] = format_estimate(model.metrics.get(metric.name), metric.fmt)
        row["n"] = str(model.samples)
        rows.append(row)
    return rows
