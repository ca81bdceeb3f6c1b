"""ReportData built from one stored run: the comparison table, per-task cells, tests, warnings.

Every aggregate is computed from stored per-sample values, so a report can be rebuilt at any
time (`codeeval report RUN`).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from codeeval.extract import RESPONSE_CUT
from codeeval.pricing import DeploymentSample, deployment_summary
from codeeval.report.comparison import compare_runs, regressions_of
from codeeval.report.data import (
    GenerationFailure,
    MetricValue,
    ModelComparison,
    ModelSummary,
    ReportData,
    RunInfo,
    TaskResults,
)
from codeeval.report.display import format_estimate
from codeeval.report.rows import by_model_task, graded_rows, passed, sample_values, task_cell
from codeeval.report.samples import sample_line
from codeeval.scoring import (
    MAX_STATIC_CODE_CHARS,
    METRICS,
    STATIC_METRICS_SKIPPED,
    Estimate,
    bootstrap_ci,
    compare,
    pass_at_k_ci,
    pass_at_k_table,
)
from codeeval.store import RunRecord, SampleRow
from codeeval.types import Status


def _metric_value(value: Estimate | None) -> MetricValue | None:
    return None if value is None else MetricValue(value=value.value, low=value.low, high=value.high)


def _ks(samples: int) -> list[int]:
    """The k shown with intervals: the usual budgets up to n, and n itself."""
    return sorted({k for k in (1, 2, 5, 10, 20, 50, 100) if k <= samples} | {max(1, samples)})


def _model_summary(
    model: str, by_task: Mapping[str, Sequence[SampleRow]], ks: Sequence[int]
) -> ModelSummary:
    graded = {task: graded_rows(rows) for task, rows in by_task.items() if graded_rows(rows)}
    counts = [(len(rows), passed(rows)) for rows in graded.values()]
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
            metric.name: _metric_value(
                bootstrap_ci(
                    {task: sample_values(rows, metric.name) for task, rows in graded.items()}
                )
            )
            for metric in METRICS
        },
        pass_at={
            k: estimate
            for k in ks
            if counts
            and all(n >= k for n, _ in counts)
            and (estimate := _metric_value(pass_at_k_ci(counts, k))) is not None
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
    graded: Mapping[str, Sequence[SampleRow]], share: MetricValue | None
) -> str | None:
    """One task: the growth class most samples showed. Several: the share at optimal growth."""
    if len(graded) == 1:
        (rows,) = graded.values()
        return task_cell(rows).time_complexity
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
    return {task: sample_values(rows, "pass@1") for task, rows in by_task.items()}


def _comparisons(grouped: Mapping[str, Mapping[str, Sequence[SampleRow]]]) -> list[ModelComparison]:
    models = sorted(grouped)
    found = []
    for index, model_a in enumerate(models):
        for model_b in models[index + 1 :]:
            result = compare(_pass_values(grouped[model_a]), _pass_values(grouped[model_b]))
            if result is not None:
                found.append(
                    ModelComparison(
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


def build_report(
    record: RunRecord,
    baseline: RunRecord | None = None,
    regression_threshold: float = 0.05,
    *,
    baseline_reason: str = "",
    metric_thresholds: Mapping[str, float] | None = None,
    require_significance: bool = False,
) -> ReportData:
    """Aggregate a stored run into the comparison table, per-task table and comparisons.

    With a baseline, the report carries the `RunComparison` with it (see
    `codeeval.report.comparison.compare_runs` for the arguments after `baseline`), and its
    `regressions` are the changes that comparison flags.
    """
    spec = record.spec
    ks = _ks(spec.samples)
    grouped = by_model_task(record.samples)
    models = [_model_summary(model, grouped.get(model, {}), ks) for model in spec.models]
    tasks = [
        TaskResults(
            task_id=task.task_id,
            content_hash=task.content_hash,
            optimal_complexity=task.optimal_complexity,
            time_limit_s=task.time_limit_s,
            cells={
                model: task_cell(grouped[model][task.task_id])
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
    warnings += _size_warnings(record) + _infra_errors(record)
    max_line_length = int(spec.config.get("max_line_length") or 79)
    comparison = (
        compare_runs(
            record,
            baseline,
            reason=baseline_reason,
            threshold=regression_threshold,
            metric_thresholds=metric_thresholds,
            require_significance=require_significance,
        )
        if baseline is not None
        else None
    )
    return ReportData(
        run=_run_info(record),
        ks=ks,
        models=models,
        tasks=tasks,
        comparisons=_comparisons(grouped),
        baseline_run=baseline.summary.id if baseline else None,
        regressions=regressions_of(comparison) if comparison else [],
        warnings=warnings,
        generation_failures=_generation_failures(record.samples),
        samples=[sample_line(row, max_line_length) for row in record.samples],
        comparison=comparison,
    )


def _infra_errors(record: RunRecord) -> list[str]:
    """One warning per model with samples the grading infrastructure failed to grade."""
    lost = Counter(
        row.key.model
        for row in record.samples
        if row.result is not None and row.result.status is Status.INFRA_ERROR
    )
    return [
        f"{count} sample(s) of {model} could not be graded (infra_error: the workers grading "
        "them died; this says nothing about the code) and count in no metric; grade them "
        f"with: python -m codeeval run --resume {record.summary.id}"
        for model, count in lost.items()
    ]


def _size_warnings(record: RunRecord) -> list[str]:
    """Responses cut to the maximum size, and programs too long for static metrics."""
    cut: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for row in record.samples:
        if row.generation is not None and RESPONSE_CUT in row.generation.extract_method:
            cut[row.key.model] += 1
        if row.result is not None and row.result.scores.get(STATIC_METRICS_SKIPPED):
            skipped[row.key.model] += 1
    limit = record.spec.config.get("max_response_bytes", "the maximum")
    return [
        f"{model}: {count} response(s) longer than {limit} bytes were cut there before "
        "grading (--max-response-bytes)"
        for model, count in cut.items()
    ] + [
        f"{model}: static metrics were not computed for {count} sample(s) whose code is "
        f"longer than {MAX_STATIC_CODE_CHARS} characters"
        for model, count in skipped.items()
    ]


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
