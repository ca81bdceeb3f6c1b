"""ReportData built from the store (tables, deltas, regressions) and the Renderer interface.

Renderers (`reports/<format>.py`) receive a finished ReportData: they never query the store or
compute a metric. Every aggregate here is computed from stored per-sample values, so a report
can be rebuilt at any time with `codeeval report RUN`.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, Field

from codeeval.scoring import METRICS, pass_at_k
from codeeval.scoring.stats import bootstrap_ci, paired_comparison, pass_at_k_ci
from codeeval.store import RunRecord, SampleRow
from codeeval.types import Status

SCHEMA_VERSION = 1
# Per-sample mean metrics shown in the comparison table, in column order.
MEAN_METRICS = ("cyclomatic", "maintainability", "pep8", "comments")


class Estimate(BaseModel):
    """A value with its 95% confidence interval (bounds None when there is too little data)."""

    value: float
    low: float | None = None
    high: float | None = None


class ModelSummary(BaseModel):
    """One row of the comparison table."""

    model: str
    tasks: int
    samples: int
    generation_errors: int = 0
    compile_rate: Estimate | None = None
    pass_at: dict[int, Estimate] = Field(default_factory=dict)
    time_complexity: str | None = None
    optimal_complexity_share: Estimate | None = None
    means: dict[str, Estimate | None] = Field(default_factory=dict)
    statuses: dict[str, int] = Field(default_factory=dict)
    input_tokens: int = 0
    output_tokens: int = 0
    cached: int = 0
    cost_usd: float | None = None
    cost_per_solved_task_usd: float | None = None
    median_latency_s: float | None = None
    median_first_token_s: float | None = None
    output_tokens_per_s: float | None = None
    peak_memory_mb: float | None = None


class TaskCell(BaseModel):
    """One model on one task."""

    n: int
    c: int
    pass_at_1: float | None
    time_complexity: str | None = None
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
    samples: list[SampleLine] = Field(default_factory=list)


class Renderer(Protocol):
    """A report format: `reports/<format>.py` exports `SUFFIX` and `render`."""

    def __call__(self, data: ReportData) -> str:
        """Render the report as text."""
        ...


def _estimate(value: tuple[float, float | None, float | None] | Any) -> Estimate:
    return Estimate(value=value.value, low=value.low, high=value.high)


def _ks(samples: int) -> list[int]:
    return [k for k in (1, 2, 5, 10, 20, 50, 100) if k <= samples] or [1]


def _by_model_task(rows: Iterable[SampleRow]) -> dict[str, dict[str, list[SampleRow]]]:
    grouped: dict[str, dict[str, list[SampleRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row.key.model][row.key.task_id].append(row)
    return grouped


def _graded(rows: Sequence[SampleRow]) -> list[SampleRow]:
    return [row for row in rows if row.result is not None]


def _numbers(rows: Sequence[SampleRow], metric: str) -> list[float]:
    values = (row.result.scores.get(metric) for row in rows if row.result is not None)
    return [float(v) for v in values if isinstance(v, int | float)]


def _mode(labels: Iterable[str | None]) -> str | None:
    counted = Counter(label for label in labels if label)
    return counted.most_common(1)[0][0] if counted else None


def _complexity_rank(label: str | None) -> int | None:
    order = [metric for metric in METRICS if metric.name == "time_complexity"]
    classes = getattr(order[0], "classes", None) if order else None
    if label is None or not classes:
        return None
    return classes.index(label) if label in classes else None


def _mean_estimate(per_task: Sequence[Sequence[float]]) -> Estimate | None:
    groups = [list(values) for values in per_task if values]
    if not groups:
        return None
    return _estimate(bootstrap_ci(groups))


def _task_cell(rows: Sequence[SampleRow]) -> TaskCell:
    graded = _graded(rows)
    passed = sum(1 for row in graded if row.result and row.result.status == Status.PASSED)
    return TaskCell(
        n=len(graded),
        c=passed,
        pass_at_1=pass_at_k(len(graded), passed, 1) if graded else None,
        time_complexity=_mode(
            str(row.result.scores.get("time_complexity"))
            for row in graded
            if row.result and row.result.scores.get("time_complexity")
        ),
        statuses=dict(Counter(str(row.result.status) for row in graded if row.result)),
    )


def _model_summary(
    model: str,
    by_task: Mapping[str, Sequence[SampleRow]],
    ks: Sequence[int],
    optimal: Mapping[str, str | None],
) -> ModelSummary:
    graded = {task: _graded(rows) for task, rows in by_task.items()}
    counts = [
        (len(rows), sum(1 for r in rows if r.result and r.result.status == Status.PASSED))
        for rows in graded.values()
        if rows
    ]
    generations = [row.generation for rows in by_task.values() for row in rows if row.generation]
    summary = ModelSummary(
        model=model,
        tasks=sum(1 for rows in graded.values() if rows),
        samples=sum(len(rows) for rows in graded.values()),
        generation_errors=sum(
            1
            for rows in by_task.values()
            for row in rows
            if row.result is None and row.generation is not None and row.generation.error
        ),
        compile_rate=_mean_estimate([_numbers(rows, "compiles") for rows in graded.values()]),
        pass_at={
            k: _estimate(pass_at_k_ci(counts, k))
            for k in ks
            if counts and all(n >= k for n, _ in counts)
        },
        means={
            name: _mean_estimate([_numbers(rows, name) for rows in graded.values()])
            for name in MEAN_METRICS
        },
        statuses=dict(
            Counter(str(r.result.status) for rows in graded.values() for r in rows if r.result)
        ),
        **_deployment(generations, counts),
    )
    summary.time_complexity, summary.optimal_complexity_share = _complexity_summary(graded, optimal)
    return summary


def _complexity_summary(
    graded: Mapping[str, Sequence[SampleRow]], optimal: Mapping[str, str | None]
) -> tuple[str | None, Estimate | None]:
    measured = {task: _task_cell(rows).time_complexity for task, rows in graded.items()}
    if len(measured) == 1:
        return next(iter(measured.values())), None
    at_optimal = [
        [
            1.0
            if _complexity_rank(label) is not None
            and _complexity_rank(label) <= (_complexity_rank(optimal.get(task)) or 0)
            else 0.0
        ]
        for task, label in measured.items()
        if label is not None and optimal.get(task)
    ]
    share = _mean_estimate(at_optimal)
    return (f"{share.value:.0%} at optimal" if share else None), share


def _deployment(generations: Sequence[Any], counts: Sequence[tuple[int, int]]) -> dict[str, Any]:
    fresh = [g for g in generations if g.error is None and g.cached_from_run is None]
    costs = [g.cost_usd for g in generations if g.cost_usd is not None]
    solved = sum(1 for _, c in counts if c > 0)
    latencies = [g.latency_s for g in fresh if g.latency_s]
    first_tokens = [g.first_token_s for g in fresh if g.first_token_s is not None]
    timed_tokens = [
        (g.output_tokens, g.latency_s) for g in fresh if g.output_tokens and g.latency_s
    ]
    total_cost = sum(costs) if costs else None
    peaks = [g.peak_memory_mb for g in generations if g.peak_memory_mb is not None]
    return {
        "input_tokens": sum(g.input_tokens or 0 for g in generations),
        "output_tokens": sum(g.output_tokens or 0 for g in generations),
        "cached": sum(1 for g in generations if g.cached_from_run is not None),
        "cost_usd": total_cost,
        "cost_per_solved_task_usd": (total_cost / solved)
        if total_cost is not None and solved
        else None,
        "median_latency_s": statistics.median(latencies) if latencies else None,
        "median_first_token_s": statistics.median(first_tokens) if first_tokens else None,
        "output_tokens_per_s": (
            sum(t for t, _ in timed_tokens) / sum(s for _, s in timed_tokens)
            if timed_tokens
            else None
        ),
        "peak_memory_mb": max(peaks) if peaks else None,
    }


def _comparisons(grouped: Mapping[str, Mapping[str, Sequence[SampleRow]]]) -> list[Comparison]:
    models = sorted(grouped)
    found = []
    for index, model_a in enumerate(models):
        for model_b in models[index + 1 :]:
            shared = sorted(set(grouped[model_a]) & set(grouped[model_b]))
            a = [_task_cell(grouped[model_a][t]).pass_at_1 for t in shared]
            b = [_task_cell(grouped[model_b][t]).pass_at_1 for t in shared]
            pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
            if not pairs:
                continue
            result = paired_comparison([x for x, _ in pairs], [y for _, y in pairs])
            found.append(
                Comparison(
                    model_a=model_a,
                    model_b=model_b,
                    tasks=len(pairs),
                    difference=result.difference,
                    low=result.low,
                    high=result.high,
                    p_value=result.p_value,
                    significant=result.significant,
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
    optimal = {task_id: task.optimal_complexity for task_id, task in record.tasks.items()}
    models = [_model_summary(model, grouped.get(model, {}), ks, optimal) for model in spec.models]
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
        samples=[_sample_line(row) for row in record.samples],
    )


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
    """Models whose pass@1 dropped by more than `threshold` against the baseline run.

    Only tasks with the same content hash in both runs are compared, so an edited task never
    shows up as a regression. A model-level drop is flagged when it exceeds the threshold;
    `significant` says whether a paired test over the shared tasks agrees.
    """
    now = _by_model_task(current.samples)
    before = _by_model_task(baseline.samples)
    found: list[Regression] = []
    for model in sorted(set(now) & set(before)):
        shared = [
            task
            for task in sorted(set(now[model]) & set(before[model]))
            if task in current.tasks
            and task in baseline.tasks
            and current.tasks[task].content_hash == baseline.tasks[task].content_hash
        ]
        pairs = [
            (_task_cell(before[model][t]).pass_at_1, _task_cell(now[model][t]).pass_at_1)
            for t in shared
        ]
        pairs_known = [(b, a) for b, a in pairs if b is not None and a is not None]
        if not pairs_known:
            continue
        old = statistics.fmean(b for b, _ in pairs_known)
        new = statistics.fmean(a for _, a in pairs_known)
        if old - new > threshold:
            test = paired_comparison([a for _, a in pairs_known], [b for b, _ in pairs_known])
            found.append(
                Regression(
                    model=model,
                    task_id=None,
                    metric="pass@1",
                    baseline=old,
                    current=new,
                    delta=new - old,
                    significant=test.significant,
                )
            )
        found += [
            Regression(
                model=model,
                task_id=task,
                metric="pass@1",
                baseline=b,
                current=a,
                delta=a - b,
                significant=False,
            )
            for task, (b, a) in zip(shared, pairs, strict=True)
            if b is not None and a is not None and b - a > max(threshold, 0.5)
        ]
    return found


def format_estimate(estimate: Estimate | None, percent: bool = False) -> str:
    """`0.82 ± 0.04` (or `82% ± 4%`); an em dash when there is no value."""
    if estimate is None:
        return "—"
    show: Callable[[float], str] = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:.2f}")
    if estimate.low is None or estimate.high is None:
        return show(estimate.value)
    half = (estimate.high - estimate.low) / 2
    return f"{show(estimate.value)} ± {show(half)}"


def table_rows(data: ReportData) -> list[dict[str, str]]:
    """The comparison table as display strings, one dict per model, in column order."""
    return [
        {
            "model": model.model,
            "compile rate": format_estimate(model.compile_rate, percent=True),
            "pass@1": format_estimate(model.pass_at.get(1), percent=True),
            "time complexity": model.time_complexity or "—",
            "cyclomatic": format_estimate(model.means.get("cyclomatic")),
            "PEP8 compliance": format_estimate(model.means.get("pep8"), percent=True),
            "comment coverage": format_estimate(model.means.get("comments"), percent=True),
            "n": str(model.samples),
        }
        for model in data.models
    ]
