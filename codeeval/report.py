"""ReportData built from the store (tables, deltas, regressions) and the Renderer interface.

Renderers (`reports/<format>.py`) receive a finished ReportData: they never query the store or
compute a metric. Every aggregate here is computed from stored per-sample values, so a report
can be rebuilt at any time with `codeeval report RUN`.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, Field

from codeeval.pricing import DeploymentSample, DeploymentSummary, deployment_summary
from codeeval.scoring import (
    COMPLEXITY_CLASS,
    COMPLEXITY_FAMILY,
    METRICS,
    bootstrap_ci,
    compare,
    pass_at_k,
    pass_at_k_ci,
    pass_at_k_table,
)
from codeeval.scoring import Estimate as StatsEstimate
from codeeval.store import RunRecord, SampleRow
from codeeval.types import Status

SCHEMA_VERSION = 1


class Estimate(BaseModel):
    """A value with its 95% confidence interval (bounds None when there is too little data)."""

    value: float
    low: float | None = None
    high: float | None = None


class ModelSummary(BaseModel):
    """One row of the comparison table, plus the deployment figures."""

    model: str
    tasks: int
    samples: int
    generation_errors: int = 0
    metrics: dict[str, Estimate | None] = Field(default_factory=dict)
    pass_at: dict[int, Estimate] = Field(default_factory=dict)
    pass_at_every_k: dict[int, float] = Field(default_factory=dict)
    time_complexity: str | None = None
    statuses: dict[str, int] = Field(default_factory=dict)
    cached: int = 0
    median_latency_s: float | None = None
    deployment: DeploymentSummary | None = None


class TaskCell(BaseModel):
    """One model on one task."""

    n: int
    c: int
    pass_at_1: float | None
    time_complexity: str | None = None
    time_complexity_family: str | None = None  # the input family that showed that class
    statuses: dict[str, int] = Field(default_factory=dict)


class TaskRow(BaseModel):
    """One task across models."""

    task_id: str
    content_hash: str
    optimal_complexity: str | None = None
    time_limit_s: float | None = None
    cells: dict[str, TaskCell] = Field(default_factory=dict)


class Comparison(BaseModel):
    """A paired comparison of two models on the tasks both ran (pass@1 per task)."""

    model_a: str
    model_b: str
    tasks: int
    difference: float
    low: float | None
    high: float | None
    p_value: float | None
    significant: bool
    method: str = ""


class Regression(BaseModel):
    """A drop against the baseline run on a task whose content hash is unchanged."""

    model: str
    task_id: str | None
    metric: str
    baseline: float
    current: float
    delta: float
    significant: bool


class RunInfo(BaseModel):
    """Where the numbers come from."""

    id: int
    created_at: str
    finished_at: str | None
    status: str
    models: list[str]
    tasks: list[str]
    samples: int
    temperature: float
    lang: str
    codeeval_version: str
    machine: dict[str, Any]
    config: dict[str, Any]


class GenerationFailure(BaseModel):
    """Generations of one model that failed for good, with the first error message."""

    model: str
    count: int
    first_error: str


class SampleLine(BaseModel):
    """One sample's verdict and scores (the JSON report keeps them all)."""

    task_id: str
    model: str
    sample_index: int
    status: str
    scores: dict[str, float | str | None]
    input_tokens: int | None = None
    output_tokens: int | None = None
    latency_s: float | None = None
    cost_usd: float | None = None
    error: str | None = None


class ReportData(BaseModel):
    """Everything a renderer shows."""

    schema_version: int = SCHEMA_VERSION
    run: RunInfo
    ks: list[int]
    models: list[ModelSummary]
    tasks: list[TaskRow]
    comparisons: list[Comparison] = Field(default_factory=list)
    baseline_run: int | None = None
    regressions: list[Regression] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    generation_failures: list[GenerationFailure] = Field(default_factory=list)
    samples: list[SampleLine] = Field(default_factory=list)


class Renderer(Protocol):
    """A report format: `reports/<format>.py` exports `SUFFIX` and `render`."""

    def __call__(self, data: ReportData) -> str:
        """Render the report as text."""
        ...


def _estimate(value: StatsEstimate | None) -> Estimate | None:
    return None if value is None else Estimate(value=value.value, low=value.low, high=value.high)


def _ks(samples: int) -> list[int]:
    """The k shown with intervals: the usual budgets up to n, and n itself."""
    return sorted({k for k in (1, 2, 5, 10, 20, 50, 100) if k <= samples} | {max(1, samples)})


def _by_model_task(rows: Iterable[SampleRow]) -> dict[str, dict[str, list[SampleRow]]]:
    grouped: dict[str, dict[str, list[SampleRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row.key.model][row.key.task_id].append(row)
    return grouped


def _graded(rows: Sequence[SampleRow]) -> list[SampleRow]:
    return [row for row in rows if row.result is not None]


def _values(rows: Sequence[SampleRow], metric: str) -> list[float | None]:
    found = (row.result.scores.get(metric) for row in rows if row.result is not None)
    return [float(v) if isinstance(v, int | float) else None for v in found]


def _passed(rows: Sequence[SampleRow]) -> int:
    return sum(1 for row in rows if row.result and row.result.status == Status.PASSED)


def _mode(labels: Iterable[object]) -> str | None:
    counted = Counter(str(label) for label in labels if label)
    return counted.most_common(1)[0][0] if counted else None


def _task_cell(rows: Sequence[SampleRow]) -> TaskCell:
    graded = _graded(rows)
    scores = [row.result.scores for row in graded if row.result]
    label = _mode(score.get(COMPLEXITY_CLASS) for score in scores)
    return TaskCell(
        n=len(graded),
        c=_passed(graded),
        pass_at_1=pass_at_k(len(graded), _passed(graded), 1) if graded else None,
        time_complexity=label,
        time_complexity_family=_mode(
            score.get(COMPLEXITY_FAMILY) for score in scores if score.get(COMPLEXITY_CLASS) == label
        ),
        statuses=dict(Counter(str(row.result.status) for row in graded if row.result)),
    )


def _model_summary(
    model: str, by_task: Mapping[str, Sequence[SampleRow]], ks: Sequence[int]
) -> ModelSummary:
    graded = {task: _graded(rows) for task, rows in by_task.items() if _graded(rows)}
    counts = [(len(rows), _passed(rows)) for rows in graded.values()]
    every_row = [row for rows in by_task.values() for row in rows]
    summary = ModelSummary(
        model=model,
        tasks=len(graded),
        samples=sum(len(rows) for rows in graded.values()),
        generation_errors=sum(
            1
            for rows in by_task.values()
            for row in rows
            if row.result is None and row.generation is not None and row.generation.error
        ),
        metrics={
            metric.name: _estimate(
                bootstrap_ci({task: _values(rows, metric.name) for task, rows in graded.items()})
            )
            for metric in METRICS
        },
        pass_at={
            k: estimate
            for k in ks
            if counts
            and all(n >= k for n, _ in counts)
            and (estimate := _estimate(pass_at_k_ci(counts, k))) is not None
        },
        pass_at_every_k=pass_at_k_table(counts) if counts else {},
        statuses=dict(
            Counter(str(r.result.status) for rows in graded.values() for r in rows if r.result)
        ),
        **_deployment(model, every_row),
    )
    summary.time_complexity = _complexity_label(graded, summary.metrics.get("time_complexity"))
    return summary


def _complexity_label(
    graded: Mapping[str, Sequence[SampleRow]], share: Estimate | None
) -> str | None:
    """One task: the growth class most samples showed. Several: the share at optimal growth."""
    if len(graded) == 1:
        (rows,) = graded.values()
        return _task_cell(rows).time_complexity
    return f"{format_estimate(share, '.0%')} optimal" if share else None


def _deployment(model: str, rows: Iterable[SampleRow]) -> dict[str, Any]:
    """Deployment figures over the generations this run paid for (cache hits excluded)."""
    fresh = [
        row
        for row in rows
        if row.generation
        and row.generation.error is None
        and row.generation.cached_from_run is None
    ]
    samples = [
        DeploymentSample(
            model=model,
            task_id=row.key.task_id,
            input_tokens=g.input_tokens,
            output_tokens=g.output_tokens,
            latency_s=g.latency_s,
            first_token_s=g.first_token_s,
            cost_usd=g.cost_usd,
            solved=bool(row.result and row.result.status == Status.PASSED),
            peak_memory_mb=g.peak_memory_mb,
        )
        for row in fresh
        if (g := row.generation) is not None
    ]
    latencies = [s.latency_s for s in samples if s.latency_s]
    cached = sum(1 for row in rows if row.generation and row.generation.cached_from_run)
    return {
        "deployment": deployment_summary(samples)[0] if samples else None,
        "median_latency_s": statistics.median(latencies) if latencies else None,
        "cached": cached,
    }


def _pass_values(by_task: Mapping[str, Sequence[SampleRow]]) -> dict[str, list[float | None]]:
    return {task: _values(rows, "pass@1") for task, rows in by_task.items()}


def _comparisons(grouped: Mapping[str, Mapping[str, Sequence[SampleRow]]]) -> list[Comparison]:
    models = sorted(grouped)
    found = []
    for index, model_a in enumerate(models):
        for model_b in models[index + 1 :]:
            result = compare(_pass_values(grouped[model_a]), _pass_values(grouped[model_b]))
            if result is not None:
                found.append(
                    Comparison(
                        model_a=model_a,
                        model_b=model_b,
                        tasks=result.tasks,
                        difference=result.difference,
                        low=result.low,
                        high=result.high,
                        p_value=result.p_value,
                        significant=result.significant,
                        method=result.method,
                    )
                )
    return found


def _sample_line(row: SampleRow) -> SampleLine:
    generation, result = row.generation, row.result
    return SampleLine(
        task_id=row.key.task_id,
        model=row.key.model,
        sample_index=row.key.sample_index,
        status=str(result.status) if result else Status.GENERATION_ERROR.value,
        scores=dict(result.scores) if result else {},
        input_tokens=generation.input_tokens if generation else None,
        output_tokens=generation.output_tokens if generation else None,
        latency_s=generation.latency_s if generation else None,
        cost_usd=generation.cost_usd if generation else None,
        error=generation.error if generation else None,
    )


def build_report(
    record: RunRecord, baseline: RunRecord | None = None, regression_threshold: float = 0.05
) -> ReportData:
    """Aggregate a stored run into the comparison table, per-task table and comparisons."""
    spec = record.spec
    ks = _ks(spec.samples)
    grouped = _by_model_task(record.samples)
    models = [_model_summary(model, grouped.get(model, {}), ks) for model in spec.models]
    tasks = [
        TaskRow(
            task_id=task.task_id,
            content_hash=task.content_hash,
            optimal_complexity=task.optimal_complexity,
            time_limit_s=task.time_limit_s,
            cells={
                model: _task_cell(grouped[model][task.task_id])
                for model in spec.models
                if task.task_id in grouped.get(model, {})
            },
        )
        for task in sorted(
            record.tasks.values(),
            key=lambda t: (
                spec.tasks.index(t.task_id) if t.task_id in spec.tasks else len(spec.tasks)
            ),
        )
    ]
    warnings = [
        f"task {task.task_id} skipped: its reference solution fails: {task.problem}"
        for task in record.tasks.values()
        if not task.reference_ok
    ]
    return ReportData(
        run=_run_info(record),
        ks=ks,
        models=models,
        tasks=tasks,
        comparisons=_comparisons(grouped),
        baseline_run=baseline.summary.id if baseline else None,
        regressions=find_regressions(record, baseline, regression_threshold) if baseline else [],
        warnings=warnings,
        generation_failures=_generation_failures(record.samples),
        samples=[_sample_line(row) for row in record.samples],
    )


def _generation_failures(rows: Iterable[SampleRow]) -> list[GenerationFailure]:
    failed: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.result is None and row.generation is not None and row.generation.error:
            failed[row.key.model].append(row.generation.error)
    return [
        GenerationFailure(model=model, count=len(errors), first_error=errors[0])
        for model, errors in failed.items()
    ]


def _run_info(record: RunRecord) -> RunInfo:
    spec, summary = record.spec, record.summary
    return RunInfo(
        id=summary.id,
        created_at=summary.created_at,
        finished_at=summary.finished_at,
        status=summary.status,
        models=list(spec.models),
        tasks=list(spec.tasks),
        samples=spec.samples,
        temperature=spec.temperature,
        lang=spec.lang,
        codeeval_version=spec.codeeval_version,
        machine=dict(spec.machine),
        config=dict(spec.config),
    )


def find_regressions(
    current: RunRecord, baseline: RunRecord, threshold: float = 0.05
) -> list[Regression]:
    """Drops in pass@1 against the baseline run, per model and per task.

    Only tasks with the same content hash in both runs are compared, so an edited task never
    shows up as a regression. A model is flagged when its mean pass@1 over the shared tasks
    fell by more than `threshold`; `significant` says whether the paired test agrees. A task
    is flagged when its pass@1 fell by more than max(threshold, 0.5).
    """
    now, before = _by_model_task(current.samples), _by_model_task(baseline.samples)
    found: list[Regression] = []
    for model in sorted(set(now) & set(before)):
        shared = [
            task
            for task in sorted(set(now[model]) & set(before[model]))
            if task in current.tasks
            and task in baseline.tasks
            and current.tasks[task].content_hash == baseline.tasks[task].content_hash
        ]
        cells = {t: (_task_cell(before[model][t]), _task_cell(now[model][t])) for t in shared}
        pairs = {
            t: (old.pass_at_1, new.pass_at_1)
            for t, (old, new) in cells.items()
            if old.pass_at_1 is not None and new.pass_at_1 is not None
        }
        if not pairs:
            continue
        old_mean = statistics.fmean(old for old, _ in pairs.values())
        new_mean = statistics.fmean(new for _, new in pairs.values())
        if old_mean - new_mean > threshold:
            test = compare(
                {t: _values(now[model][t], "pass@1") for t in pairs},
                {t: _values(before[model][t], "pass@1") for t in pairs},
            )
            found.append(
                Regression(
                    model=model,
                    task_id=None,
                    metric="pass@1",
                    baseline=old_mean,
                    current=new_mean,
                    delta=new_mean - old_mean,
                    significant=bool(test and test.significant),
                )
            )
        found += [
            Regression(
                model=model,
                task_id=task,
                metric="pass@1",
                baseline=old,
                current=new,
                delta=new - old,
                significant=False,
            )
            for task, (old, new) in pairs.items()
            if old - new > max(threshold, 0.5)
        ]
    return found


def format_estimate(estimate: Estimate | None, fmt: str = ".2f") -> str:
    """`0.82 ± 0.04` (or `82% ± 4%` with fmt ".0%"); an em dash when there is no value."""
    if estimate is None:
        return "—"
    half = (
        (estimate.high - estimate.low) / 2
        if estimate.low is not None and estimate.high is not None
        else 0.0
    )
    if half <= 0:  # one sample, or identical values: no interval to show
        return format(estimate.value, fmt)
    return f"{format(estimate.value, fmt)} ± {format(half, fmt)}"


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
