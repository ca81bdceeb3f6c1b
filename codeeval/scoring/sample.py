"""What is stored for one graded sample: its metrics, the labels beside them, skipped metrics.

The runner stores these scores with every result, and reports read them back by the names
defined here and in `codeeval.scoring.metrics` (`LABELS`). The sample's timings are judged
once, for its time complexity score, its measured class and its efficiency.
"""

from __future__ import annotations

from codeeval.scoring.metrics import Timings, score_sample, static_metrics_skipped
from codeeval.types import Status, TimingResult

# Why the static metrics of a sample were not computed; present only when they were not.
STATIC_METRICS_SKIPPED = "static_metrics_skipped"


def scores_to_store(
    code: str | None,
    status: Status,
    timings: Timings = (),
    optimal_complexity: str | None = None,
    max_line_length: int = 79,
    *,
    reference: TimingResult | None = None,
    untimed: str = "",
) -> dict[str, float | str | None]:
    """Every score stored for one graded sample.

    Definition: everything `score_sample` returns (the metrics, then the labels: measured
    class, input family, note, efficiency interval); then, when `static_metrics_skipped(code)`
    gives a reason (a sample whose generation failed has no code to skip),
    `STATIC_METRICS_SKIPPED` with that reason.

    Args:
        code: The extracted program, or None when the response held no code.
        status: The sample's verdict.
        timings: The sample's timings (`ExecResult.timing`, or (size, seconds) pairs).
        optimal_complexity: The task's stated optimal class, such as "O(n log n)".
        max_line_length: The longest allowed line for the PEP 8 metrics.
        reference: The reference solution's timings in the same run (for efficiency).
        untimed: Why the sample has no timings (the task has no generator, ...).

    Returns:
        `{name: value}`: numbers for the metrics, strings for the labels, None where a value
        cannot be computed.
    """
    scores = score_sample(
        code,
        status,
        timings,
        optimal_complexity,
        max_line_length,
        reference=reference,
        untimed=untimed,
    )
    skipped = static_metrics_skipped(code) if status is not Status.GENERATION_ERROR else None
    if skipped:
        scores[STATIC_METRICS_SKIPPED] = skipped
    return scores
