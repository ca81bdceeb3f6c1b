"""Regressions: drops against a baseline run, on the tasks whose content is unchanged."""

from __future__ import annotations

from codeeval.report.comparison import compare_runs, regressions_of
from codeeval.report.data import Regression
from codeeval.store import RunRecord


def find_regressions(
    current: RunRecord, baseline: RunRecord, threshold: float = 0.05
) -> list[Regression]:
    """Drops in pass@1 against the baseline run, per model and per task.

    Only tasks with the same content hash in both runs are compared, so an edited task never
    shows up as a regression. A model is flagged when its mean pass@1 over the shared tasks
    fell by more than `threshold`; `significant` says whether the paired test agrees. A task
    is flagged when its pass@1 fell by more than max(threshold, 0.5) (`significant`: Fisher's
    exact test on its samples). The same changes as `compare_runs` flags.
    """
    return regressions_of(compare_runs(current, baseline, threshold=threshold))
