"""A sample's time complexity (worst over its input families) and its efficiency.

One verdict per graded sample, computed once from the sandbox's timings
(`codeeval.types.TimingResult`): each input family is fitted (`fit_time_complexity`), the
sample's class is the worst class over its families, and its efficiency is its time relative
to the reference solution's at the largest size both measured, in the families that gave that
class. `docs/metrics.md` gives the definitions with examples.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from codeeval.scoring.timefit import GROWTH_CLASSES, ComplexityFit, fit_time_complexity
from codeeval.types import FamilyTiming, TimedPoint, TimingResult

INCONCLUSIVE = "inconclusive"
NOT_APPLICABLE = "n/a"
_BOOTSTRAP_RESAMPLES = 1000
_BOOTSTRAP_SEED = 20240601
_MAX_NOTE = 500
# An undecided family could have any class whose error is within this factor of the best's.
PLAUSIBLE = 1.5


@dataclass(frozen=True, slots=True)
class FamilyVerdict:
    """One input family's class: `label` is the fitted class or "inconclusive" (`note`: why)."""

    family: str
    label: str
    fit: ComplexityFit | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Efficiency:
    """The sample's time over the reference's, with its interval.

    In each family that gave the sample's class, the ratio of the two least disturbed times at
    the largest size both measured there (above 1: slower than the reference); `value` is the
    geometric mean of those ratios (`families` names them; `size` and `family` are those of
    the family the verdict names). The largest ratio would report noise instead: a program
    exactly as fast as the reference would come out slower by the spread of its families.
    `low` and `high` bound the 95% percentile-bootstrap interval over the rounds of both
    measurements.
    """

    value: float
    low: float
    high: float
    size: int
    family: str
    families: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TimeComplexity:
    """The measured time complexity of one sample.

    `label` is the class ("O(n^2)"), "inconclusive" when the timings cannot decide, or "n/a"
    when the sample was not timed (`note` says why). `family` names the input family that
    produced the class (the worst one), `fit` is that family's fit, and `efficiency` the
    sample's time relative to the reference's in the families that produced the class (None
    without a reference).
    """

    label: str
    family: str | None = None
    fit: ComplexityFit | None = None
    families: tuple[FamilyVerdict, ...] = ()
    efficiency: Efficiency | None = None
    note: str = ""

    @property
    def conclusive(self) -> bool:
        """True when `label` is a class."""
        return self.label not in (INCONCLUSIVE, NOT_APPLICABLE)


def judge_time_complexity(
    timing: TimingResult | Sequence[tuple[int, float]] | None,
    reference: TimingResult | None = None,
    untimed: str = "",
) -> TimeComplexity:
    """The sample's class: the worst over its input families, and the family that showed it.

    Definition: each family's verified points (those whose result matched the reference's,
    see `docs/sandbox.md`) are fitted with `fit_time_complexity`; a family is conclusive
    when its fit is `reliable`. The sample's class is the worst (highest-ranked) class among
    conclusive families, ties going to the family where the sample is slowest relative to
    the reference. It is "inconclusive" when no family is conclusive, or when a family that
    is not could be worse (its best guess ranks higher, or it has too few sizes to fit): a
    worst case that was not measured is never reported as a better class. "n/a" when the
    sample was not timed (`untimed` says why).

    Args:
        timing: The sample's timings (a `TimingResult`, or plain (size, seconds) pairs of one
            family), None when it was not timed.
        reference: The reference solution's timings in the same run, for efficiency.
        untimed: Why there are no timings (the task has no generator, ...).

    Returns:
        The verdict.
    """
    if timing is None:
        return TimeComplexity(NOT_APPLICABLE, note=untimed or "not timed")
    if not isinstance(timing, TimingResult):
        pairs = tuple((int(n), float(t)) for n, t in timing)
        points = tuple(TimedPoint(n, t) for n, t in pairs)
        timing = TimingResult((FamilyTiming("random", points),))
    if not any(f.points for f in timing.families):
        stopped = "; ".join(f"{f.family}: {f.stopped}" for f in timing.families if f.stopped)
        return TimeComplexity(INCONCLUSIVE, note=_cut(stopped or "no size could be timed"))
    verdicts = tuple(_family_verdict(f) for f in timing.families)
    common = {f.family: _common_point(f, reference) for f in timing.families}
    verdict = _worst(verdicts, common, _point_notes(timing))
    if verdict.fit is None:
        return verdict
    # Every family that gave the class, the one the verdict names first.
    tied = [v.family for v in verdicts if v.label == verdict.label and v.family != verdict.family]
    return replace(verdict, efficiency=_efficiency([str(verdict.family), *tied], common))


def _family_verdict(family: FamilyTiming) -> FamilyVerdict:
    pairs = [(p.size, p.seconds) for p in family.points if p.verified is not False]
    fit = fit_time_complexity(pairs)
    stopped = f" ({family.stopped})" if family.stopped else ""
    if fit is None:
        note = f"{family.family}: {len(pairs)} sizes timed, too few to fit{stopped}"
        return FamilyVerdict(family.family, INCONCLUSIVE, None, note)
    if not fit.reliable:
        return FamilyVerdict(family.family, INCONCLUSIVE, fit, f"{family.family}: {fit.note}")
    return FamilyVerdict(
        family.family, fit.complexity, fit, f"{family.family}{stopped}" if stopped else ""
    )


def _worst(
    verdicts: tuple[FamilyVerdict, ...],
    pairs: dict[str, tuple[TimedPoint, TimedPoint] | None],
    notes: list[str],
) -> TimeComplexity:
    conclusive = [v for v in verdicts if v.label != INCONCLUSIVE and v.fit is not None]
    undecided = [v for v in verdicts if v.label == INCONCLUSIVE]
    notes = [v.note for v in verdicts if v.note] + notes
    if not conclusive:
        return TimeComplexity(INCONCLUSIVE, families=verdicts, note=_cut("; ".join(notes)))

    def slowness(verdict: FamilyVerdict) -> tuple[int, float]:
        assert verdict.fit is not None
        pair = pairs.get(verdict.family)
        return verdict.fit.rank, pair[0].seconds / pair[1].seconds if pair is not None else 0.0

    worst = max(conclusive, key=slowness)
    assert worst.fit is not None
    hidden = [v for v in undecided if _worst_plausible(v.fit) > worst.fit.rank]
    if hidden:
        names = ", ".join(v.family for v in hidden)
        note = f"{worst.label} on {worst.family}, but {names} could be worse; " + "; ".join(notes)
        return TimeComplexity(INCONCLUSIVE, families=verdicts, note=_cut(note))
    return TimeComplexity(
        worst.label,
        family=worst.family,
        fit=worst.fit,
        families=verdicts,
        note=_cut("; ".join(notes)),
    )


def _worst_plausible(fit: ComplexityFit | None) -> int:
    """The highest rank among the classes that fit an undecided family about as well as the best.

    Every class is plausible for a family with no fit at all.
    """
    if fit is None:
        return len(GROWTH_CLASSES)
    best = min(error for _, error in fit.errors)
    ranks = {g.label: g.rank for g in GROWTH_CLASSES}
    plausible = [ranks[label] for label, error in fit.errors if error <= best * PLAUSIBLE]
    return max([fit.rank, *plausible])


def _point_notes(timing: TimingResult) -> list[str]:
    return [
        f"{f.family} size {p.size}: {p.note}" for f in timing.families for p in f.points if p.note
    ]


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_NOTE else text[: _MAX_NOTE - 3] + "..."


# -- efficiency -------------------------------------------------------------------------------


def _common_point(
    family: FamilyTiming, reference: TimingResult | None
) -> tuple[TimedPoint, TimedPoint] | None:
    """The sample's and the reference's points at the largest size both measured in `family`."""
    if reference is None:
        return None
    theirs = next((f for f in reference.families if f.family == family.family), None)
    if theirs is None:
        return None
    mine = {p.size: p for p in family.points if p.verified is not False and p.seconds > 0}
    common = [p for p in theirs.points if p.size in mine and p.seconds > 0]
    if not common:
        return None
    base = max(common, key=lambda p: p.size)
    return mine[base.size], base


def _efficiency(
    families: list[str], pairs: dict[str, tuple[TimedPoint, TimedPoint] | None]
) -> Efficiency | None:
    """The geometric mean of the sample's time over the reference's in `families`, its interval.

    `pairs` holds each family's points (the sample's, the reference's) at the largest size both
    measured.
    """
    measured = [(name, pair) for name in families if (pair := pairs.get(name)) is not None]
    if not measured:
        return None
    value = _geometric_mean([mine.seconds / theirs.seconds for _, (mine, theirs) in measured])
    low, high = _ratio_interval(
        [(_samples(mine), _samples(theirs)) for _, (mine, theirs) in measured]
    )
    first, (_, base) = measured[0]
    return Efficiency(
        value,
        min(low, value),
        max(high, value),
        base.size,
        first,
        tuple(name for name, _ in measured),
    )


def _geometric_mean(values: list[float]) -> float:
    return math.exp(math.fsum(math.log(v) for v in values) / len(values))


def _samples(point: TimedPoint) -> list[float]:
    """The per-call times a point's time is the least of.

    Just that time when it is the first call's, kept because the repeated calls were faster
    (cached results).
    """
    samples = [*point.rounds, *([point.first_s] if point.repeats == 1 else [])]
    return samples if samples and point.seconds <= min(samples) else [point.seconds]


def _ratio_interval(sides: list[tuple[list[float], list[float]]]) -> tuple[float, float]:
    """95% percentile-bootstrap interval of the geometric mean of min(mine) / min(theirs).

    One (mine, theirs) pair of round times per family; each side's rounds are resampled.
    """
    rng = random.Random(_BOOTSTRAP_SEED)
    means = sorted(
        _geometric_mean(
            [
                min(rng.choices(mine, k=len(mine))) / min(rng.choices(theirs, k=len(theirs)))
                for mine, theirs in sides
            ]
        )
        for _ in range(_BOOTSTRAP_RESAMPLES)
    )
    last = len(means) - 1
    return means[math.floor(0.025 * last)], means[math.ceil(0.975 * last)]
