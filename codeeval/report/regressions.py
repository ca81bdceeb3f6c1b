"""Regressions: drops against a baseline run, on the tasks whose content is unchanged."""

from __future__ import annotations

import statistics

from codeeval.report.data import Regression
from codeeval.report.rows import by_model_task, sample_values, task_cell
from codeeval.scoring import compare
from codeeval.store import RunRecord


def find_regressions(
    current: RunRecord, baseline: RunRecord, threshold: float = 0.05
) -> list[Regression]:
    """Drops in pass@1 against the baseline run, per model and per task.

    Only tasks with the same content hash in both runs are compared, so an edited task never
    shows up as a regression. A model is flagged when its mean pass@1 over the shared tasks
    fell by more than `threshold`; `significant` says whether the paired test agrees. A task
    is flagged when its pass@1 fell by more than max(threshold, 0.5).
    """
    now, before = by_model_task(current.samples), by_model_task(baseline.samples)
    found: list[Regression] = []
    for model in sorted(set(now) & set(before)):
        shared = [
            task
            for task in sorted(set(now[model]) & set(before[model]))
            if task in current.tasks
            and task in baseline.tasks
            and current.tasks[task].content_hash == baseline.tasks[task].content_hash
        ]
        cells = {t: (task_cell(before[model][t]), task_cell(now[model][t])) for t in shared}
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
                {t: sample_values(now[model][t], "pass@1") for t in pairs},
                {t: sample_values(before[model][t], "pass@1") for t in pairs},
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
