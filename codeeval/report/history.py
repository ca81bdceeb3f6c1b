"""Trends across runs: one metric of a model (on all its tasks, or one task) night after night.

`codeeval history` prints them with sparklines. Each point is rebuilt from the stored samples,
with its 95% interval, and marked with the night's verdict where a nightly judged the run.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, Field

from codeeval.errors import BadConfig
from codeeval.report.build import build_report
from codeeval.report.rows import by_model_task, sample_values
from codeeval.scoring import METRICS, bootstrap_ci
from codeeval.store import Store

# Runs read back per point asked for: finished runs without the model are skipped over.
_SCAN_FACTOR = 5


class TrendPoint(BaseModel):
    """One run's value of the metric, with its interval and the night's verdict (if any)."""

    run_id: int
    created_at: str
    value: float | None
    low: float | None = None
    high: float | None = None
    red: bool | None = None


class Trend(BaseModel):
    """A model's metric (on every task of each run, or on `task_id`) across runs, oldest first."""

    model: str
    task_id: str | None = None
    metric: str
    points: list[TrendPoint] = Field(default_factory=list)


def check_metric(metric: str) -> None:
    """Refuse a metric name no report has.

    Raises:
        BadConfig: `metric` is not one of the metrics; the message lists them.
    """
    names = [m.name for m in METRICS]
    if metric not in names:
        raise BadConfig(f"--metric {metric}: unknown metric; metrics: {', '.join(names)}")


def trends(
    store: Store,
    *,
    metric: str = "pass@1",
    models: tuple[str, ...] = (),
    task: str | None = None,
    limit: int = 14,
) -> list[Trend]:
    """The last `limit` finished runs' values of `metric`, per model, oldest first.

    Args:
        store: The results database.
        metric: A metric's name (`codeeval.scoring.METRICS`).
        models: Only these models (default: every model of the runs read).
        task: Only this task (a run without it is skipped).
        limit: The most runs read per trend.

    Raises:
        BadConfig: an unknown metric.
    """
    check_metric(metric)
    found: dict[str, Trend] = {}
    for summary in store.runs(limit * _SCAN_FACTOR):
        if summary.status != "finished":
            continue
        wanted = [m for m in summary.models if not models or m in models]
        if task is not None and task not in summary.tasks:
            continue
        wanted = [
            m for m in wanted if len(found.get(m, Trend(model=m, metric=metric)).points) < limit
        ]
        if not wanted:
            continue
        record = store.load_run(summary.id)
        verdict = store.verdict(summary.id)
        red = verdict.red if verdict is not None else None
        if task is None:
            data = build_report(record)
            values = {model.model: model.metrics.get(metric) for model in data.models}
            for model in wanted:
                value = values.get(model)
                if value is None:
                    continue
                point = TrendPoint(
                    run_id=summary.id,
                    created_at=summary.created_at,
                    value=value.value,
                    low=value.low,
                    high=value.high,
                    red=red,
                )
                found.setdefault(model, Trend(model=model, metric=metric)).points.append(point)
        else:
            grouped = by_model_task(record.samples)
            for model in wanted:
                samples = [
                    v
                    for v in sample_values(grouped.get(model, {}).get(task, []), metric)
                    if v is not None
                ]
                if not samples:
                    continue
                interval = bootstrap_ci({task: samples})
                trend = found.setdefault(model, Trend(model=model, task_id=task, metric=metric))
                trend.points.append(
                    TrendPoint(
                        run_id=summary.id,
                        created_at=summary.created_at,
                        value=statistics.fmean(samples),
                        low=interval.low if interval else None,
                        high=interval.high if interval else None,
                        red=red,
                    )
                )
    for trend in found.values():
        trend.points.reverse()
    return [found[model] for model in sorted(found)]
