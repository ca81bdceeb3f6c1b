"""A run's stored samples grouped by model and task, and the counts every table starts from."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from codeeval.report.data import TaskCell
from codeeval.scoring import COMPLEXITY_CLASS, COMPLEXITY_FAMILY, pass_at_k
from codeeval.store import SampleRow
from codeeval.types import Status


def by_model_task(rows: Iterable[SampleRow]) -> dict[str, dict[str, list[SampleRow]]]:
    """`{model: {task: [row, ...]}}`, each list in the order of `rows`."""
    grouped: dict[str, dict[str, list[SampleRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row.key.model][row.key.task_id].append(row)
    return grouped


def graded_rows(rows: Sequence[SampleRow]) -> list[SampleRow]:
    """The rows with a verdict, the only ones any metric counts.

    A failed generation has no result, and an `infra_error` (the grading workers died) is
    no verdict.
    """
    return [
        row
        for row in rows
        if row.result is not None and row.result.status is not Status.INFRA_ERROR
    ]


def sample_values(rows: Sequence[SampleRow], metric: str) -> list[float | None]:
    """The graded rows' values of `metric`; None where it has none, or it is not a number."""
    found = (row.result.scores.get(metric) for row in graded_rows(rows) if row.result)
    return [float(v) if isinstance(v, int | float) else None for v in found]


def passed(rows: Sequence[SampleRow]) -> int:
    """How many of `rows` passed."""
    return sum(1 for row in rows if row.result and row.result.status == Status.PASSED)


def _mode(labels: Iterable[object]) -> str | None:
    counted = Counter(str(label) for label in labels if label)
    return counted.most_common(1)[0][0] if counted else None


def task_cell(rows: Sequence[SampleRow]) -> TaskCell:
    """One model on one task: n, c, pass@1, its growth class, statuses.

    The growth class is the one most samples showed, with the input family that showed it.
    """
    graded = graded_rows(rows)
    scores = [row.result.scores for row in graded if row.result]
    label = _mode(score.get(COMPLEXITY_CLASS) for score in scores)
    return TaskCell(
        n=len(graded),
        c=passed(graded),
        pass_at_1=pass_at_k(len(graded), passed(graded), 1) if graded else None,
        time_complexity=label,
        time_complexity_family=_mode(
            score.get(COMPLEXITY_FAMILY) for score in scores if score.get(COMPLEXITY_CLASS) == label
        ),
        statuses=dict(Counter(str(row.result.status) for row in graded if row.result)),
    )
