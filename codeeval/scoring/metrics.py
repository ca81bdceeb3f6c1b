"""The table of metrics reports show, and every static metric of one program at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from codeeval.scoring.comments import comment_coverage
from codeeval.scoring.compile import compiles
from codeeval.scoring.complexity import (
    cyclomatic_complexity,
    maintainability_index,
    max_cyclomatic_complexity,
)
from codeeval.scoring.growth import TimeComplexity, judge_time_complexity
from codeeval.scoring.style import pep8_scores
from codeeval.scoring.timefit import time_complexity_score
from codeeval.types import Status, TimingResult

# Samples whose scores say nothing about the model's code: never generated, or never graded.
_NOT_GRADED = (Status.GENERATION_ERROR, Status.INFRA_ERROR)

MetricSource = Literal["static", "execution"]
Timings = TimingResult | Sequence[tuple[int, float]] | None

# Labels stored beside a sample's metric values (they are not aggregated): the measured
# class ("O(n^2)", "inconclusive" or "n/a"), the input family that showed it, why it is not
# a class (or what was odd), and the bounds of the efficiency's interval.
COMPLEXITY_CLASS = "time_complexity_class"
COMPLEXITY_FAMILY = "time_complexity_family"
COMPLEXITY_NOTE = "time_complexity_note"
EFFICIENCY_LOW = "efficiency_low"
EFFICIENCY_HIGH = "efficiency_high"
LABELS: tuple[str, ...] = (
    COMPLEXITY_CLASS,
    COMPLEXITY_FAMILY,
    COMPLEXITY_NOTE,
    EFFICIENCY_LOW,
    EFFICIENCY_HIGH,
)


@dataclass(frozen=True, slots=True)
class Metric:
    """How one metric is named, shown and compared.

    `name` is the key in scores and stores; `label` the column heading; `fmt` a format spec
    for `format(value, fmt)` (".0%" for shares); `source` says where per-sample values come
    from: "static" (from the code, `score_code`) or "execution" (from grading,
    `score_execution`). Every metric aggregates the same way: the mean over tasks of the
    mean over each task's samples (`stats.mean_of_means`, with `stats.bootstrap_ci` for its
    interval); for "pass@1" (1.0 when a sample passes every test) that is exactly the
    unbiased pass@1. `headline` metrics form the comparison table, in this order. A value
    that cannot be computed is None, shown as "—" and left out of aggregates.
    """

    name: str
    label: str
    higher_is_better: bool
    fmt: str
    description: str
    source: MetricSource = "static"
    headline: bool = True


METRICS: tuple[Metric, ...] = (
    Metric(
        "compiles",
        "compile rate",
        True,
        ".0%",
        "share of samples whose extracted code compiles (no code counts as not compiling)",
    ),
    Metric(
        "pass@1",
        "pass@1",
        True,
        ".0%",
        "unbiased pass@1 (Chen et al. 2021): share of samples passing all tests, per task, "
        "averaged over tasks",
        source="execution",
    ),
    Metric(
        "time_complexity",
        "time complexity",
        True,
        ".0%",
        "share of timed samples whose measured growth class is no worse than the task's "
        "optimal class",
        source="execution",
    ),
    Metric(
        "efficiency",
        "time vs reference",
        False,
        ".2f",
        "the sample's time over the reference solution's at the largest size both were "
        "timed at, in the input family that gave its class (EffiBench's normalised time)",
        source="execution",
    ),
    Metric(
        "cyclomatic",
        "cyclomatic",
        False,
        ".1f",
        "mean radon cyclomatic complexity of the functions and methods",
    ),
    Metric(
        "pep8",
        "PEP8 compliance",
        True,
        ".0%",
        "share of non-blank lines with no pycodestyle violation (default configuration)",
    ),
    Metric(
        "comments",
        "comment coverage",
        True,
        ".0%",
        "share of non-blank lines carrying a comment or docstring",
    ),
    Metric(
        "maintainability",
        "maintainability",
        True,
        ".0f",
        "radon maintainability index, 0-100 (multi-line strings counted as comments)",
        headline=False,
    ),
    Metric(
        "max_cyclomatic",
        "max cyclomatic",
        False,
        ".0f",
        "largest radon cyclomatic complexity among the functions and methods",
        headline=False,
    ),
    Metric(
        "pep8_violations",
        "PEP8 violations",
        False,
        ".1f",
        "number of pycodestyle violations (default configuration)",
        headline=False,
    ),
)

STATIC_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS if m.source == "static")
# Beyond this many characters a program's static metrics (other than "compiles") are not
# computed: each costs time linear in the code, but a real answer is far shorter.
MAX_STATIC_CODE_CHARS = 100_000
EXECUTION_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS if m.source == "execution")


def static_metrics_skipped(code: str | None, max_chars: int = MAX_STATIC_CODE_CHARS) -> str | None:
    """Why `score_code` leaves the static metrics of `code` None whether it compiles or not.

    Args:
        code: The extracted program, or None.
        max_chars: The longest program whose static metrics are computed.

    Returns:
        A one-line reason when `code` is longer than `max_chars` characters, else None.
    """
    if code is not None and len(code) > max_chars:
        return f"code of {len(code)} characters is longer than {max_chars}"
    return None


def score_code(
    code: str | None, max_line_length: int = 79, max_chars: int = MAX_STATIC_CODE_CHARS
) -> dict[str, float | None]:
    """Every static metric of one program, keyed by metric name (`STATIC_METRICS`).

    Definition: "compiles" is 1.0 or 0.0 (`compiles`). The other metrics describe code
    that compiles; for code that does not (or no code at all) they are None, so that a
    broken sample lowers the compile rate but never drags style averages towards 0 or 100.
    They are None as well for code longer than `max_chars` characters
    (`static_metrics_skipped` says so), which bounds their cost. "pep8_violations" is
    `pep8_violations` as a float; "max_cyclomatic" is `max_cyclomatic_complexity`;
    "maintainability" is `maintainability_index`.

    Args:
        code: The extracted program, or None when the response held no code.
        max_line_length: The longest allowed line for the PEP 8 metrics.
        max_chars: The longest program whose metrics other than "compiles" are computed.

    Returns:
        `{name: value or None}` for every name in `STATIC_METRICS`.
    """
    scores: dict[str, float | None] = dict.fromkeys(STATIC_METRICS)
    scores["compiles"] = 1.0 if compiles(code) else 0.0
    if code is None or not scores["compiles"] or static_metrics_skipped(code, max_chars):
        return scores
    violations, compliance = pep8_scores(code, max_line_length)
    scores.update(
        cyclomatic=cyclomatic_complexity(code),
        max_cyclomatic=max_cyclomatic_complexity(code),
        maintainability=maintainability_index(code),
        pep8=compliance,
        pep8_violations=float(violations),
        comments=comment_coverage(code),
    )
    return scores


def score_execution(
    status: Status,
    timings: Timings = (),
    optimal_complexity: str | None = None,
    reference: TimingResult | None = None,
) -> dict[str, float | None]:
    """The per-sample metrics that come from grading, keyed by name (`EXECUTION_METRICS`).

    Definition: "pass@1" is 1.0 when the sample passed every test (`Status.PASSED`), else
    0.0 (a response with no code, `Status.NO_CODE`, is a failed sample). For a sample that
    passed, "time_complexity" is `time_complexity_score` of the fit that decided its class
    (`judge_time_complexity`: the worst over its input families; None when inconclusive),
    and "efficiency" its time over the reference's (`Efficiency.value`; None without a
    reference). Both are None for a sample that did not pass: the growth of a wrong
    program means nothing. A sample whose generation failed (`Status.GENERATION_ERROR`),
    or that the grading machinery failed to grade (`Status.INFRA_ERROR`), says nothing
    about the model's code: every value is None.

    Args:
        status: The sample's verdict.
        timings: The sample's timings (`ExecResult.timing`, or (size, seconds) pairs).
        optimal_complexity: The task's stated optimal class, such as "O(n log n)".
        reference: The reference solution's timings in the same run.

    Returns:
        `{name: value or None}` for every name in `EXECUTION_METRICS`.
    """
    scores, _ = _execution(status, timings, optimal_complexity, reference, "")
    return scores


def _execution(
    status: Status,
    timings: Timings,
    optimal: str | None,
    reference: TimingResult | None,
    untimed: str,
) -> tuple[dict[str, float | None], dict[str, float | str | None]]:
    """Execution metrics and the labels beside them, from one complexity verdict."""
    scores: dict[str, float | None] = dict.fromkeys(EXECUTION_METRICS)
    labels: dict[str, float | str | None] = dict.fromkeys(LABELS)
    if status in _NOT_GRADED:
        return scores, labels
    scores["pass@1"] = 1.0 if status is Status.PASSED else 0.0
    if status is not Status.PASSED:
        return scores, labels
    timed = timings if isinstance(timings, TimingResult) or timings else None
    verdict: TimeComplexity = judge_time_complexity(timed, reference, untimed)
    scores["time_complexity"] = (
        time_complexity_score(verdict.fit, optimal) if verdict.conclusive else None
    )
    efficiency = verdict.efficiency
    scores["efficiency"] = efficiency.value if efficiency is not None else None
    labels.update(
        {
            COMPLEXITY_CLASS: verdict.label,
            COMPLEXITY_FAMILY: verdict.family,
            COMPLEXITY_NOTE: verdict.note or None,
            EFFICIENCY_LOW: efficiency.low if efficiency is not None else None,
            EFFICIENCY_HIGH: efficiency.high if efficiency is not None else None,
        }
    )
    return scores, labels


def score_sample(
    code: str | None,
    status: Status,
    timings: Timings = (),
    optimal_complexity: str | None = None,
    max_line_length: int = 79,
    *,
    reference: TimingResult | None = None,
    untimed: str = "",
) -> dict[str, float | str | None]:
    """Every per-sample metric of one graded sample, then the labels beside them.

    The metrics are `score_code` and `score_execution`, in `METRICS` order (a sample whose
    generation failed has every value None, "compiles" included); then `LABELS`: the
    measured class (`judge_time_complexity`'s label: a class, "inconclusive", or "n/a" with
    `untimed` as the note), the family that showed it, the note, and the efficiency's
    interval. A sample that was not graded (`Status.INFRA_ERROR`) is like a failed
    generation. The complexity fit is computed once, here;
    `codeeval.scoring.scores_to_store` adds what is stored beside these values.

    Args:
        code: The extracted program, or None when the response held no code.
        status: The sample's verdict.
        timings: The sample's timings (`ExecResult.timing`, or (size, seconds) pairs).
        optimal_complexity: The task's stated optimal class, such as "O(n log n)".
        max_line_length: The longest allowed line for the PEP 8 metrics.
        reference: The reference solution's timings in the same run (for efficiency).
        untimed: Why the sample has no timings (the task has no generator, ...).

    Returns:
        `{name: value or None}` for every metric in `METRICS`, then every name in `LABELS`.
    """
    scores: dict[str, float | None] = score_code(code, max_line_length)
    if status in _NOT_GRADED:
        scores = dict.fromkeys(scores)
    execution, labels = _execution(status, timings, optimal_complexity, reference, untimed)
    scores.update(execution)
    return {**{metric.name: scores[metric.name] for metric in METRICS}, **labels}
