"""A night's verdict: red when anything is wrong (regression, outage, failing reference).

- **regression**: a change the comparison with the baseline flags (`compare_runs`): a
  model's pass@1 over the unchanged tasks fell by more than `regression_threshold`, a
  task's by more than half, or another metric worsened beyond its threshold.
- **outage**: a model none of whose generations succeeded, or whose failed generations
  exceed `max_failure_share` of those it attempted.
- **reference_failing**: a task whose reference solution failed its own tests on this
  night's machine (every run checks each task's reference before grading; such a task is
  skipped, so its models' figures say nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from codeeval.report import MetricChange, Problem, RunComparison, Verdict
from codeeval.store import RunRecord, RunSummary


def find_problems(
    record: RunRecord, comparison: RunComparison | None, max_failure_share: float
) -> list[Problem]:
    """Everything wrong with a night: regressions, outages, failing references."""
    problems = [
        _regression(change)
        for change in (comparison.changes if comparison else [])
        if change.regression
    ]
    problems += outages(record, max_failure_share)
    problems += [
        Problem(
            kind="reference_failing",
            task_id=task.task_id,
            message=f"task {task.task_id}: its reference solution fails its own tests "
            f"({task.problem or 'no detail'}); the task was not graded",
        )
        for task in record.tasks.values()
        if not task.reference_ok
    ]
    return problems


def _regression(change: MetricChange) -> Problem:
    where = f"on {change.task_id}" if change.task_id else "over the shared tasks"
    test = f", {change.test} p={change.p_value:.3g}" if change.p_value is not None else ""
    return Problem(
        kind="regression",
        model=change.model,
        task_id=change.task_id,
        message=f"{change.model} {where}: {change.metric} {_value(change.metric, change.baseline)}"
        f" → {_value(change.metric, change.current)}{test}",
    )


def _value(metric: str, value: float | None) -> str:
    from codeeval.scoring import METRICS

    if value is None:
        return "-"
    fmt = next((m.fmt for m in METRICS if m.name == metric), ".3g")
    return format(value, fmt)


def outages(record: RunRecord, max_failure_share: float) -> list[Problem]:
    """Models whose generations failed for good beyond `max_failure_share` (or all of them)."""
    attempted: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    first_error: dict[str, str] = {}
    for row in record.samples:
        if row.generation is None:
            continue
        attempted[row.key.model] += 1
        if row.result is None and row.generation.error:
            failed[row.key.model] += 1
            first_error.setdefault(row.key.model, row.generation.error)
    problems = []
    for model in record.spec.models:
        tried, lost = attempted[model], failed[model]
        if not tried or not lost:
            continue
        if lost == tried or lost / tried > max_failure_share:
            problems.append(
                Problem(
                    kind="outage",
                    model=model,
                    message=f"{model}: {lost} of {tried} generations failed "
                    f"(first error: {first_error[model][:300]})",
                )
            )
    return problems


_NOUNS = {
    "regression": ("regression", "regressions"),
    "outage": ("outage", "outages"),
    "reference_failing": ("failing reference", "failing references"),
}


def summarize(
    problems: Sequence[Problem],
    baseline: RunSummary | None,
    reason: str,
    comparison: RunComparison | None,
) -> str:
    """The verdict's one line: what was compared, and what was found."""
    counts = Counter(problem.kind for problem in problems)
    found = ", ".join(
        f"{counts[kind]} {_NOUNS[kind][counts[kind] != 1]}" for kind in _NOUNS if counts[kind]
    )
    notes = []
    if comparison is not None:
        if comparison.new_models:
            notes.append(f"new model(s): {', '.join(comparison.new_models)}")
        if comparison.new_tasks:
            notes.append(f"{len(comparison.new_tasks)} new task(s)")
        if comparison.edited_tasks:
            notes.append(
                f"edited task(s), not compared: {', '.join(comparison.edited_tasks[:5])}"
                + (" ..." if len(comparison.edited_tasks) > 5 else "")
            )
    tail = "".join(f"; {note}" for note in notes)
    if baseline is None:
        if found:
            return (
                f"no earlier good night of this matrix: {found} "
                f"(a red night never becomes the baseline){tail}"
            )
        return f"no earlier run of this matrix: this night becomes the baseline{tail}"
    where = f"compared with run {baseline.id} ({baseline.created_at[:10]}, {reason})"
    return f"{where}: {found or 'no regression, no outage'}{tail}"


def decide(
    record: RunRecord,
    comparison: RunComparison | None,
    baseline: RunSummary | None,
    *,
    reason: str,
    max_failure_share: float = 0.05,
) -> Verdict:
    """The night's verdict: red with every problem found, and its one-line summary."""
    problems = find_problems(record, comparison, max_failure_share)
    return Verdict(
        red=bool(problems),
        problems=problems,
        summary=summarize(problems, baseline, reason, comparison),
    )
