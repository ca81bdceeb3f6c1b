"""What is stored for one graded sample: its metrics, its growth class, why metrics were skipped.

The runner stores these scores with every result, and reports read them back by the names
defined here. The sample's timings are fitted once, for both its time complexity score and
its growth class.
"""

from __future__ import annotations

from collections.abc import Sequence

from codeeval.scoring.metrics import fitted, sample_metrics, static_metrics_skipped
from codeeval.types import Status

# The label of the sample's fitted growth class ("O(n log n)"), None unless it is reliable.
COMPLEXITY_CLASS = "time_complexity_class"
# Why the static metrics of a sample were not computed; present only when they were not.
STATIC_METRICS_SKIPPED = "static_metrics_skipped"


def scores_to_store(
    code: str | None,
    status: Status,
    timings: Sequence[tuple[int, float]] = (),
    optimal_complexity: str | None = None,
    max_line_length: int = 79,
) -> dict[str, float | str | None]:
    """Every score stored for one graded sample.

    Definition: every metric of `score_sample`; then `COMPLEXITY_CLASS`, the class of
    `fit_time_complexity(timings)` when that fit is `reliable` (else None); then, when
    `static_metrics_skipped(code)` gives a reason (a sample whose generation failed has no
    code to skip), `STATIC_METRICS_SKIPPED` with that reason. The fit is computed once.

    Args:
        code: The extracted program, or None when the response held no code.
        status: The sample's verdict.
        timings: (input size, seconds) pairs measured on the sample's entry point.
        optimal_complexity: The task's stated optimal class, such as "O(n log n)".
        max_line_length: The longest allowed line for the PEP 8 metrics.

    Returns:
        `{name: value}`: numbers for the metrics, strings for the labels, None where a value
        cannot be computed.
    """
    fit = fitted(status, timings)
    scores: dict[str, float | str | None] = dict(
        sample_metrics(code, status, fit, optimal_complexity, max_line_length)
    )
    scores[COMPLEXITY_CLASS] = fit.complexity if fit is not None and fit.reliable else None
    skipped = static_metrics_skipped(code) if status is not Status.GENERATION_ERROR else None
    if skipped:
        scores[STATIC_METRICS_SKIPPED] = skipped
    return scores
