"""What changed between two stored runs: per model and metric, per task, and the flipped tasks.

`compare_runs` builds the `RunComparison` that `codeeval compare A B`, `show N --baseline M`,
every report with a baseline and the nightly verdict show. Only tasks whose content hash is
the same in both runs are compared (an edited task is listed as edited); a model or task the
baseline did not have is listed as new. The report's `regressions` are the changes flagged
here, so both always agree.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence

from codeeval.report.data import MetricChange, Regression, RunComparison, TaskFlip
from codeeval.report.rows import by_model_task, graded_rows, sample_values, task_cell
from codeeval.scoring import METRICS, compare, paired_bootstrap
from codeeval.store import RunRecord, SampleRow
from codeeval.types import Status

# A task passes for a model when its pass@1 is at least this.
PASSING = 0.5
# A task's own pass@1 is a regression when it fell by more than this (or the threshold).
TASK_DROP = 0.5
_HIGHER_IS_BETTER = {metric.name: metric.higher_is_better for metric in METRICS}
# Metrics that are shares of samples (0 to 1): a 0/1 value is a pass or fail, and McNemar's
# test fits them; a count (cyclomatic 1, a violation) is not an outcome: bootstrap only.
_SHARES = frozenset(metric.name for metric in METRICS if metric.fmt.endswith("%"))


def compare_runs(
    current: RunRecord,
    baseline: RunRecord,
    *,
    reason: str = "",
    threshold: float = 0.05,
    metric_thresholds: Mapping[str, float] | None = None,
    require_significance: bool = False,
) -> RunComparison:
    """Compare run `current` with run `baseline`, model by model, on their unchanged tasks.

    Args:
        current: The run judged.
        baseline: The run it is compared with.
        reason: Why that baseline ("last good night", "pinned as 'prod'", "given").
        threshold: pass@1 (a model's mean over the shared tasks) is a regression when it fell
            by more than this; a single task's when it fell by more than max(threshold, 0.5).
        metric_thresholds: The other metrics that count, each with the worsening beyond
            which it is a regression (in the metric's own unit, in its bad direction); a
            metric not named is shown but never a regression.
        require_significance: Flag only drops that the paired test (per task: Fisher's exact
            test) finds significant at 5%.

    Returns:
        The comparison; `changes` holds every model's overall figure for each metric, and
        the per-task pass@1 of each task whose value moved.
    """
    now, before = by_model_task(current.samples), by_model_task(baseline.samples)
    shared_tasks = [
        task
        for task in current.tasks
        if task in baseline.tasks
        and current.tasks[task].content_hash == baseline.tasks[task].content_hash
    ]
    comparison = RunComparison(
        run_id=current.summary.id,
        baseline_run=baseline.summary.id,
        baseline_created_at=baseline.summary.created_at,
        baseline_reason=reason,
        new_models=[m for m in current.spec.models if m not in set(baseline.spec.models)],
        new_tasks=[t for t in current.tasks if t not in baseline.tasks],
        edited_tasks=[
            t
            for t in current.tasks
            if t in baseline.tasks
            and current.tasks[t].content_hash != baseline.tasks[t].content_hash
        ],
    )
    judge = _Judge(threshold, dict(metric_thresholds or {}), require_significance)
    for model in current.spec.models:
        if model not in baseline.spec.models or model not in before:
            continue
        mine, theirs = now.get(model, {}), before[model]
        tasks = [t for t in shared_tasks if graded_rows(mine.get(t, [])) and t in theirs]
        tasks = [t for t in tasks if graded_rows(theirs[t])]
        if not tasks:
            continue
        comparison.changes += judge.overall(model, mine, theirs, tasks)
        comparison.changes += judge.per_task(model, mine, theirs, tasks)
        comparison.flips += _flips(model, mine, theirs, tasks)
    return comparison


def regressions_of(comparison: RunComparison) -> list[Regression]:
    """The comparison's regressions, as the report's `regressions` list them."""
    return [
        Regression(
            model=change.model,
            task_id=change.task_id,
            metric=change.metric,
            baseline=change.baseline,
            current=change.current,
            delta=change.delta,
            significant=change.significant,
        )
        for change in comparison.changes
        if change.regression
        and change.baseline is not None
        and change.current is not None
        and change.delta is not None
    ]


class _Judge:
    """Turns two runs' values into MetricChanges, each flagged by the rules it was given."""

    def __init__(
        self, threshold: float, metric_thresholds: dict[str, float], require_significance: bool
    ) -> None:
        self.threshold = threshold
        self.metric_thresholds = metric_thresholds
        self.require_significance = require_significance

    def overall(
        self,
        model: str,
        mine: Mapping[str, Sequence[SampleRow]],
        theirs: Mapping[str, Sequence[SampleRow]],
        tasks: Sequence[str],
    ) -> list[MetricChange]:
        changes = []
        for metric in METRICS:
            now = _task_values(mine, tasks, metric.name)
            before = _task_values(theirs, tasks, metric.name)
            paired = [t for t in tasks if t in now and t in before]
            if not paired:
                continue
            old = statistics.fmean(_mean(before[t]) for t in paired)
            new = statistics.fmean(_mean(now[t]) for t in paired)
            mine_values = {t: now[t] for t in paired}
            theirs_values = {t: before[t] for t in paired}
            test = (
                compare(mine_values, theirs_values)
                if metric.name in _SHARES
                else paired_bootstrap(mine_values, theirs_values)
            )
            limit = (
                self.threshold
                if metric.name == "pass@1"
                else self.metric_thresholds.get(metric.name)
            )
            worse = (old - new) if _HIGHER_IS_BETTER[metric.name] else (new - old)
            significant = bool(test and test.significant)
            changes.append(
                MetricChange(
                    model=model,
                    metric=metric.name,
                    baseline=old,
                    current=new,
                    delta=new - old,
                    low=test.low if test else None,
                    high=test.high if test else None,
                    p_value=test.p_value if test else None,
                    test=test.method if test else "",
                    significant=significant,
                    regression=limit is not None
                    and worse > limit
                    and (significant or not self.require_significance),
                )
            )
        return changes

    def per_task(
        self,
        model: str,
        mine: Mapping[str, Sequence[SampleRow]],
        theirs: Mapping[str, Sequence[SampleRow]],
        tasks: Sequence[str],
    ) -> list[MetricChange]:
        changes = []
        for task in tasks:
            old_cell, new_cell = task_cell(theirs[task]), task_cell(mine[task])
            old, new = old_cell.pass_at_1, new_cell.pass_at_1
            if old is None or new is None or old == new:
                continue
            p_value = fisher_exact(new_cell.c, new_cell.n, old_cell.c, old_cell.n)
            significant = p_value < 0.05
            changes.append(
                MetricChange(
                    model=model,
                    metric="pass@1",
                    task_id=task,
                    baseline=old,
                    current=new,
                    delta=new - old,
                    p_value=p_value,
                    test="Fisher exact",
                    significant=significant,
                    regression=old - new > max(self.threshold, TASK_DROP)
                    and (significant or not self.require_significance),
                )
            )
        return changes


def _task_values(
    by_task: Mapping[str, Sequence[SampleRow]], tasks: Sequence[str], metric: str
) -> dict[str, list[float]]:
    found = {}
    for task in tasks:
        values = [v for v in sample_values(by_task.get(task, []), metric) if v is not None]
        if values:
            found[task] = values
    return found


def _mean(values: Sequence[float]) -> float:
    return statistics.fmean(values)


def _flips(
    model: str,
    mine: Mapping[str, Sequence[SampleRow]],
    theirs: Mapping[str, Sequence[SampleRow]],
    tasks: Sequence[str],
) -> list[TaskFlip]:
    """Tasks that crossed from passing to failing or back, with the samples that show it."""
    flips = []
    for task in tasks:
        old, new = task_cell(theirs[task]).pass_at_1, task_cell(mine[task]).pass_at_1
        if old is None or new is None or (old >= PASSING) == (new >= PASSING):
            continue
        broke = old >= PASSING
        flips.append(
            TaskFlip(
                model=model,
                task_id=task,
                before="pass" if broke else "fail",
                after="fail" if broke else "pass",
                baseline_sample=_first(theirs[task], passing=broke),
                sample=_first(mine[task], passing=not broke),
            )
        )
    return flips


def _first(rows: Sequence[SampleRow], *, passing: bool) -> int | None:
    """The index of the first graded sample that passed (or did not), to open."""
    for row in graded_rows(rows):
        if row.result is not None and (row.result.status is Status.PASSED) == passing:
            return row.key.sample_index
    return None


def fisher_exact(c1: int, n1: int, c2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test that c1/n1 and c2/n2 share one pass rate.

    The tables with the observed margins are summed where they are no more likely than the
    observed one (the usual two-sided definition).
    """
    total, passes = n1 + n2, c1 + c2
    if n1 == 0 or n2 == 0 or passes in (0, total):
        return 1.0
    denominator = math.comb(total, passes)

    def probability(k: int) -> float:
        return math.comb(n1, k) * math.comb(n2, passes - k) / denominator

    observed = probability(c1)
    low, high = max(0, passes - n2), min(n1, passes)
    p_value = sum(p for k in range(low, high + 1) if (p := probability(k)) <= observed * (1 + 1e-9))
    return min(1.0, p_value)
