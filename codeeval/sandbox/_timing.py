"""Timing a passing program on the trusted side: call-only times per input family and size.

For each point (a family's input at one size) the grader, never the child, measures:

1. `put`: the child decodes the argument tuple (sent once, encoded); not timed. Its CPU is
   compared with what the reference's child took for the same bytes: a program that works
   while its inputs arrive (to answer the timed call from a cache) is caught there.
2. `once`: one call on inputs the program has never seen, timed; then `check` returns the
   result's fingerprint, compared with the reference's (a program that skips the work
   returns a wrong answer), and whether the call changed its arguments.
3. rounds of `reps`: `repeats` calls in a row, timed together, chosen (as `timeit`'s
   autorange) so that a round lasts at least `MIN_ROUND_S`; each call gets a fresh copy of
   the arguments when the first call changed them. The point's time is the smallest round's
   per-call time, unless that is much less than the first call's: then the program cached
   results between calls (or patched the loop), and at every size of that family only the
   first call's time is kept.

Every time is the CPU of the job's whole process tree, read by the grader from the kernel
around each exchange, so no clock, loop or builtin the program patches can shorten it. Sizes
are measured in increasing order; a family stops at the first size whose predicted cost does
not fit its share of the budget, and whatever budget is left buys more rounds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codeeval.sandbox._compare import same
from codeeval.sandbox._session import ChildSession, SessionDown
from codeeval.types import (
    FamilyTiming,
    Status,
    TimedPoint,
    TimingPlan,
    TimingPoint,
    TimingResult,
)

MIN_ROUND_S = 0.005  # a timed round lasts at least this long: far above the clock's noise
MIN_ROUNDS = 3  # default measurements per point before extra rounds (a slow first call counts)
MAX_ROUNDS = 9
# A first call slower than this many times the repeated calls' time (plus the margin, for the
# exchange's own cost) means the repeated calls did less work: results cached between calls.
FIRST_CALL_FACTOR = 2.5
FIRST_CALL_MARGIN_S = 0.0005
# Receiving a point's inputs may cost this many times the reference's (plus the margin);
# a program that takes longer works between calls, and none of its family's times is used.
PUT_FACTOR = 2.0
PUT_MARGIN_S = 0.002  # scheduling noise on a loaded 2-CPU machine reaches ~1 ms
MAX_COPY_BYTES = 32 << 20  # encoded bytes of the fresh copies decoded for one round
_CALIBRATION_STEPS = 6
MAX_SLOPE = 8.0  # of ln(time) on ln(size) between two sizes, for predicting the next one
_MIN_LIMIT_S = 0.05

OpenSession = Callable[[], ChildSession | tuple[Status, str]]


class _Stop(Exception):  # noqa: N818 - ends one family's timing, with the reason
    """Timing of the current family ends here; `by_budget` when only the budget ended it."""

    def __init__(self, reason: str, by_budget: bool = False) -> None:
        super().__init__(reason)
        self.by_budget = by_budget


class _Distrust(_Stop):
    """The program did its work outside the timed calls: none of its family's times is used."""


@dataclass
class _Point:
    """What has been measured at one point so far."""

    spec: TimingPoint
    first_s: float = 0.0
    put_s: float = 0.0
    rounds: list[float] = field(default_factory=list)
    repeats: int = 1
    fresh: bool = False
    fingerprint: Any = None
    verified: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.verified is not False

    @property
    def skipped_work(self) -> bool:
        """Whether the repeated calls ran much faster than the first: they skipped work."""
        repeated = min(self.rounds) if self.rounds else math.inf
        return self.first_s > FIRST_CALL_FACTOR * repeated + FIRST_CALL_MARGIN_S

    def result(self, first_calls_only: bool = False) -> TimedPoint:
        """The measured point; `first_calls_only` keeps the first call's time."""
        candidates = [*self.rounds, *([self.first_s] if self.repeats == 1 else [])]
        best = min(candidates) if candidates else self.first_s
        notes = list(self.notes)
        if first_calls_only and self.rounds:
            best = self.first_s
            if self.skipped_work:
                notes.append(
                    f"repeated calls took {min(self.rounds):.3g} s, the first "
                    f"{self.first_s:.3g} s: results cached between calls"
                )
        return TimedPoint(
            size=self.spec.size,
            seconds=best,
            rounds=tuple(self.rounds),
            repeats=self.repeats,
            first_s=self.first_s,
            put_s=self.put_s,
            fingerprint=self.fingerprint,
            verified=self.verified,
            note="; ".join(notes),
        )


@dataclass
class _Family:
    name: str
    specs: tuple[TimingPoint, ...]
    points: list[_Point] = field(default_factory=list)
    stopped: str = ""
    by_budget: bool = False

    @property
    def next_spec(self) -> TimingPoint | None:
        done = len(self.points)
        return self.specs[done] if done < len(self.specs) and not self.stopped else None

    def result(self) -> FamilyTiming:
        """The family's points; all of them first calls when repeats skipped work anywhere.

        A program whose repeated calls skip work (results cached between calls, a patched
        loop) may do so where the first call is too short to show it: no repeat is trusted.
        """
        first_only = any(point.skipped_work for point in self.points)
        points = tuple(point.result(first_only) for point in self.points)
        return FamilyTiming(self.name, points, self.stopped, self.by_budget)


class TimingRun:
    """Times one job's program on its plan; `run()` returns what was measured.

    Args:
        plan: the families and points to time, and the budget.
        open_session: the live child to time in, a fresh one after a crash or timeout (or
            why there is none).
        time_limit_s: the job's limit per call; no exchange may run longer.
        float_for_int: compare small results as the differential cases are compared.
        min_rounds: measurements per size before the budget left buys more (at most
            MAX_ROUNDS); the least disturbed is kept.
    """

    def __init__(
        self,
        plan: TimingPlan,
        open_session: OpenSession,
        time_limit_s: float,
        float_for_int: bool = False,
        min_rounds: int = MIN_ROUNDS,
    ) -> None:
        self.plan, self._open, self._limit_s = plan, open_session, time_limit_s
        self._min_rounds = max(2, min(MAX_ROUNDS, min_rounds))
        self._float_for_int = float_for_int
        self.families = [_Family(f.name, f.points) for f in plan.families if f.points]
        self.spent_s = 0.0
        self._on_cpu = True
        self._session: ChildSession | None = None
        self._loaded: TimingPoint | None = None  # whose inputs the child holds
        self._share_end = 0.0

    # -- the plan ----------------------------------------------------------------------------

    def run(self) -> TimingResult:
        """Measure every family within the budget; never raises for the program's doing."""
        started = time.perf_counter()
        for index, family in enumerate(self.families):
            left = len(self.families) - index
            self._share_end = self.spent_s + max(0.0, self.plan.budget_s - self.spent_s) / left
            self._extend(family)
        self._share_end = self.plan.budget_s
        for family in self.families:  # the budget left first continues families it stopped
            if family.by_budget:
                before = (family.stopped, len(family.points))
                family.stopped, family.by_budget = "", False
                self._extend(family)
                if len(family.points) == before[1] and family.by_budget:
                    family.stopped = before[0]  # no further: the first reason stands
        self._extra_rounds()
        return TimingResult(
            families=tuple(family.result() for family in self.families),
            clock="cpu" if self._on_cpu else "wall",
            cpu_s=self.spent_s,
            wall_s=time.perf_counter() - started,
            budget_s=self.plan.budget_s,
        )

    def _extend(self, family: _Family) -> None:
        """Measure `family`'s next sizes while each fits the current share of the budget."""
        while (spec := family.next_spec) is not None:
            predicted = self._predicted_cost(family, spec)
            if self.spent_s + predicted > self._share_end:
                family.stopped, family.by_budget = (
                    f"stopped before size {spec.size}: it would take about {predicted:.2g} s, "
                    "more than the timing budget left",
                    True,
                )
                return
            point = _Point(spec)
            family.points.append(point)
            try:
                self._measure(point)
            except _Distrust as stop:
                family.stopped = f"not used: at size {spec.size} {stop}"
                for done in family.points:
                    done.verified = False
                return
            except _Stop as stop:
                family.stopped = f"stopped at size {spec.size}: {stop}"
                family.by_budget = stop.by_budget
                if not point.rounds and not point.first_s:
                    family.points.pop()
                return

    def _extra_rounds(self) -> None:
        """Spend what is left of the budget on more rounds, cheapest points first."""
        points = [
            p
            for f in self.families
            if not any(done.skipped_work for done in f.points)  # only its first calls count
            for p in f.points
            if p.usable and p.first_s > 0
        ]
        points.sort(key=self._round_cost)
        for _ in range(MAX_ROUNDS - self._min_rounds):
            for point in points:
                if len(point.rounds) >= MAX_ROUNDS or self.spent_s >= self.plan.budget_s:
                    continue
                cost = self._round_cost(point) + (point.put_s if point.fresh else 0.0)
                if self.spent_s + cost > self.plan.budget_s:
                    continue
                try:
                    self._round(point)
                except _Stop:
                    return

    # -- one point ---------------------------------------------------------------------------

    def _measure(self, point: _Point) -> None:
        point.put_s = self._put(point, copies=0)
        reference_put = point.spec.reference_put_s
        if reference_put is not None and point.put_s > PUT_FACTOR * reference_put + PUT_MARGIN_S:
            raise _Distrust(
                f"receiving the inputs took {point.put_s:.3g} s of CPU, the reference's child "
                f"{reference_put:.3g} s: the program works between its timed calls"
            )
        point.first_s = self._timed(point, "once")
        self._verify(point)
        if not point.usable:
            return
        if point.first_s >= MIN_ROUND_S:
            point.repeats = 1
        else:
            self._calibrate(point)
        while len(point.rounds) + (point.repeats == 1) < self._min_rounds:
            self._round(point)

    def _verify(self, point: _Point) -> None:
        kind, value, changed = self._charged(lambda s: s.check(), f"at size {point.spec.size}")
        point.fingerprint, point.fresh = (kind, value), changed
        expected = point.spec.expected
        if self.plan.reference or expected is None:
            return
        matches = isinstance(expected, tuple) and len(expected) == 2 and kind == expected[0]
        if matches and kind == "v":
            matches = same(value, expected[1], self._float_for_int)
        elif matches:
            matches = value == expected[1]
        point.verified = bool(matches)
        if not matches:
            point.notes.append("its result differs from the reference's on this input (not used)")

    def _calibrate(self, point: _Point) -> None:
        """Find how many calls make a round last MIN_ROUND_S (as timeit's autorange).

        A program that changes its arguments gets a fresh copy per call, as many as
        MAX_COPY_BYTES allows; where that many calls cannot fill a quarter of a round (a cheap
        call on a large input), they share one copy instead.
        """
        limit = self._fresh_limit(point)
        repeats = max(1, min(limit, int(0.5 * MIN_ROUND_S / max(point.first_s, 1e-7))))
        for _ in range(_CALIBRATION_STEPS):
            point.repeats = repeats
            self._put(point, copies=repeats if point.fresh else 0, keep=True)
            seconds = max(1e-9, self._timed(point, "reps", repeats, point.fresh) * repeats)
            if seconds >= 0.5 * MIN_ROUND_S:
                point.rounds.append(seconds / repeats)
            if point.fresh and repeats >= limit and seconds < 0.25 * MIN_ROUND_S:
                point.fresh, limit = False, self._fresh_limit(point)  # copies cannot fill it
                point.notes.append("calls share one copy of arguments they change")
            elif seconds >= 0.5 * MIN_ROUND_S or repeats >= limit:
                point.repeats = max(1, min(limit, math.ceil(repeats * MIN_ROUND_S / seconds)))
                return
            repeats = min(limit, repeats * 10, math.ceil(repeats * 1.25 * MIN_ROUND_S / seconds))
        point.repeats = repeats

    def _round(self, point: _Point) -> None:
        """One more timed round, on fresh copies or the arguments already there."""
        self._put(point, copies=point.repeats if point.fresh else 0, keep=True)
        point.rounds.append(self._timed(point, "reps", point.repeats, point.fresh))

    def _fresh_limit(self, point: _Point) -> int:
        if not point.fresh:
            return 10**8
        return max(1, MAX_COPY_BYTES // max(1, len(point.spec.payload)))

    # -- exchanges ---------------------------------------------------------------------------

    def _put(self, point: _Point, copies: int, keep: bool = False) -> float:
        """Send the point's inputs (with `keep`, reuse those sent), `copies` fresh copies; CPU.

        The child holds one point's inputs: `keep` sends them again when it holds another's.
        """
        spec = point.spec
        keep = keep and self._loaded is spec and self._session is not None
        payload = b"" if keep else spec.payload
        self._loaded = spec
        seconds: float = self._charged(
            lambda s: s.measured("put", payload, spec.encoding, copies),
            f"while its inputs were sent (size {spec.size})",
        )
        return seconds

    def _timed(self, point: _Point, op: str, *fields: Any) -> float:
        """Per-call seconds of `op` (the whole exchange divided by its number of calls)."""
        calls = int(fields[0]) if fields else 1
        seconds: float = self._charged(
            lambda s: s.measured(op, *fields), f"at size {point.spec.size}"
        )
        return seconds / calls

    def _charged(self, exchange: Callable[[ChildSession], Any], where: str) -> Any:
        """What `exchange` returns; the CPU (or wall) time it took is charged to the budget."""
        session = self._live()
        before, _ = session.clock()
        try:
            return self._session_call(session, exchange, where)
        finally:
            after, _ = session.clock()
            self.spent_s += max(0.0, after - before)

    def _session_call(
        self, session: ChildSession, exchange: Callable[[ChildSession], Any], where: str
    ) -> Any:
        left = self._share_end - self.spent_s
        limit = min(self._limit_s, max(_MIN_LIMIT_S, left))
        session.start(limit)
        try:
            return exchange(session)
        except SessionDown as down:
            self._session = None
            if down.status is Status.TIMEOUT and limit < self._limit_s:
                why = f"a call there did not finish within the timing budget left ({limit:.2g} s)"
                raise _Stop(why, by_budget=True) from None
            why = down.message
            raise _Stop(
                f"{down.status}: {why}" if down.status is not Status.TIMEOUT else why
            ) from None
        except Exception as exc:  # the program's own exception, or a value it cannot send
            raise _Stop(f"the program raised {_exception_name(exc)} {where}".strip()) from None

    def _live(self) -> ChildSession:
        session = self._session
        if session is None or session.down is not None:
            opened = self._open()
            if not isinstance(opened, ChildSession):
                raise _Stop(f"no sandbox to time in: {opened[1]}")
            self._session = session = opened
            self._on_cpu = self._on_cpu and session.clock()[1]
        return session

    # -- predictions -----------------------------------------------------------------------

    def _predicted_cost(self, family: _Family, spec: TimingPoint) -> float:
        """CPU seconds measuring `spec` is expected to take (0 with nothing to go by)."""
        done = [p for p in family.points if p.first_s > 0]
        if not done:
            return 0.0
        last = done[-1]
        per_call = self._best(last)
        slope = 1.0
        if len(done) >= 2:
            before = done[-2]
            ratio = last.spec.size / max(1, before.spec.size)
            if ratio > 1 and per_call > 0 and self._best(before) > 0:
                slope = math.log(per_call / self._best(before)) / math.log(ratio)
                slope = min(MAX_SLOPE, max(1.0, slope))
        grown: float = per_call * (spec.size / max(1, last.spec.size)) ** slope
        put = last.put_s * len(spec.payload) / max(1, len(last.spec.payload))
        copies = (self._min_rounds - 1) * put if last.fresh else 0.0
        return put + copies + grown + (self._min_rounds - 1) * max(MIN_ROUND_S, grown)

    def _round_cost(self, point: _Point) -> float:
        return point.repeats * self._best(point)

    @staticmethod
    def _best(point: _Point) -> float:
        """The point's per-call time, as far as it can be believed."""
        if point.skipped_work or not point.rounds:
            return point.first_s
        return min([*point.rounds, point.first_s])


def _exception_name(exc: BaseException) -> str:
    raised = getattr(exc, "candidate", None)
    return raised[0] if raised else type(exc).__name__
