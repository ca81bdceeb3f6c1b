"""Empirical time complexity: the growth class that best explains (input size, seconds) pairs."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MIN_SIZES = 4  # distinct input sizes needed: two parameters per class, two degrees of freedom left
MIN_SIZE_RATIO = 2.0  # largest over smallest size; a narrower range cannot separate classes
MAX_EXPONENTIAL_SIZE = 64  # no c^n program finishes beyond this, so a fit there is spurious
PARSIMONY = 0.25  # a simpler class wins unless the best one predicts over 25% better
# Growth smaller than this (the fitted time at the largest size over that at the smallest,
# less 1) is no growth: an O(1) call whose data outgrows a cache level slows down this much.
MIN_GROWTH = 0.3
# The chosen class must predict this much better than every class of another tier, and at
# most this badly, or the timings cannot decide between them.
MIN_MARGIN = 0.2
MAX_DECISIVE_ERROR = 0.6
_EXPONENTIAL_BASES = tuple(1.05 + 0.025 * i for i in range(119))  # 1.05 to 4.0


@dataclass(frozen=True, slots=True)
class GrowthClass:
    """One candidate class: its label, rank (simplest first), tier and growth function.

    Classes in one `tier` differ only by a log factor (O(1) and O(log n); O(n) and
    O(n log n)): over a 32x size range that is a factor of 1.5 at most, which cache effects
    alone can produce, so the score (`time_complexity_score`) does not tell them apart.
    "O(2^n)" stands for exponential growth c^n (c > 1): the fit finds c (`base`).
    """

    label: str
    rank: int
    tier: int
    grows: Callable[[int, int], float]  # (n, n_max) -> f(n) / f(n_max), computed without overflow


def _log(n: int, top: int) -> float:
    return math.log(n) / math.log(top) if top > 1 else 1.0


def _n_log_n(n: int, top: int) -> float:
    return (n / top) * _log(n, top)


def _exponential(base: float) -> Callable[[int, int], float]:
    return lambda n, top: base ** (n - top)


GROWTH_CLASSES: tuple[GrowthClass, ...] = (
    GrowthClass("O(1)", 0, 0, lambda n, top: 0.0),
    GrowthClass("O(log n)", 1, 0, _log),
    GrowthClass("O(sqrt n)", 2, 1, lambda n, top: math.sqrt(n / top)),
    GrowthClass("O(n)", 3, 2, lambda n, top: n / top),
    GrowthClass("O(n log n)", 4, 2, _n_log_n),
    GrowthClass("O(n^2)", 5, 3, lambda n, top: (n / top) ** 2),
    GrowthClass("O(n^3)", 6, 4, lambda n, top: (n / top) ** 3),
    GrowthClass("O(2^n)", 7, 5, _exponential(2.0)),
)
_EXPONENTIAL = GROWTH_CLASSES[-1]


@dataclass(frozen=True, slots=True)
class ComplexityFit:
    """The best growth class for a set of timings, with how well each class predicted them.

    `complexity` is the chosen label ("O(n log n)") and `rank` its position in
    `GROWTH_CLASSES` (0 = O(1)). The chosen model is `t = intercept_s + coefficient_s *
    f(n) / f(n_max)`; `error` is its root-mean-square relative residual, `r2` its coefficient
    of determination on log-times, and `errors` every class's leave-one-out error (the basis
    of the choice). `slope` is the least-squares slope of ln t on ln n (about 1 for O(n), 2
    for O(n^2)); `points` the number of distinct sizes used; `growth` the fitted time at the
    largest size over that at the smallest; `base` the fitted c of an exponential c^n.
    `reliable` is False when the timings cannot decide (`note` says why): the class is then
    a guess, shown as "inconclusive".
    """

    complexity: str
    rank: int
    error: float
    r2: float
    slope: float
    intercept_s: float
    coefficient_s: float
    errors: tuple[tuple[str, float], ...]
    points: int
    reliable: bool = True
    growth: float = 1.0
    base: float | None = None
    note: str = ""


def _fit_class(
    sizes: list[int], times: list[float], grows: Callable[[int, int], float], top: int
) -> tuple[float, float]:
    """Non-negative (a, b) minimising sum(((a + b g_i) - t_i) / t_i)^2, g_i = f(n_i) / f(top)."""
    xs = [1.0 / t for t in times]
    ys = [grows(n, top) / t for n, t in zip(sizes, times, strict=True)]
    sxx = sum(x * x for x in xs)
    sxy = sum(x * y for x, y in zip(xs, ys, strict=True))
    syy = sum(y * y for y in ys)
    sx, sy = sum(xs), sum(ys)
    candidates = [(sx / sxx, 0.0)]  # b = 0: a constant
    if syy > 0:
        candidates.append((0.0, sy / syy))  # a = 0: pure growth, no overhead
        det = sxx * syy - sxy * sxy
        if det > 1e-12 * sxx * syy:
            a, b = (sx * syy - sy * sxy) / det, (sy * sxx - sx * sxy) / det
            if a >= 0 and b >= 0:
                candidates.append((a, b))

    def sse(ab: tuple[float, float]) -> float:
        return sum((ab[0] * x + ab[1] * y - 1.0) ** 2 for x, y in zip(xs, ys, strict=True))

    return min(candidates, key=sse)


def _relative_rmse(
    sizes: list[int], times: list[float], grows: Callable[[int, int], float], a: float, b: float
) -> float:
    """Root mean square of (prediction - t) / t."""
    top = max(sizes)
    residuals = [
        ((a + b * grows(n, top)) / t - 1.0) ** 2 for n, t in zip(sizes, times, strict=True)
    ]
    return math.sqrt(sum(residuals) / len(residuals))


def _loo_error(sizes: list[int], times: list[float], grows: Callable[[int, int], float]) -> float:
    """Root mean square relative error of each time predicted by a fit to the other sizes.

    The smallest size is never left out: without it the overhead `a` is barely determined,
    and predicting it tests a guess at the overhead, not the growth.
    """
    top = max(sizes)
    total = 0.0
    for i in range(1, len(sizes)):
        a, b = _fit_class(sizes[:i] + sizes[i + 1 :], times[:i] + times[i + 1 :], grows, top)
        total += ((a + b * grows(sizes[i], top)) / times[i] - 1.0) ** 2
    return math.sqrt(total / (len(sizes) - 1))


def _exponential_fit(sizes: list[int], times: list[float]) -> tuple[float, float]:
    """(leave-one-out error, base) of the best exponential c^n, c in [1.05, 4]."""
    return min((_loo_error(sizes, times, _exponential(c)), c) for c in _EXPONENTIAL_BASES)


def _slope(sizes: list[int], times: list[float]) -> float:
    """Least-squares slope of ln(t) on ln(n)."""
    lx = [math.log(n) for n in sizes]
    ly = [math.log(t) for t in times]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    var = sum((x - mx) ** 2 for x in lx)
    return sum((x - mx) * (y - my) for x, y in zip(lx, ly, strict=True)) / var


def _r2(
    sizes: list[int], times: list[float], grows: Callable[[int, int], float], a: float, b: float
) -> float:
    """1 - SSE/SST of the model's predictions on ln(t); 1.0 when the times do not vary."""
    top = max(sizes)
    logs = [math.log(t) for t in times]
    mean = sum(logs) / len(logs)
    predicted = [max(a + b * grows(n, top), 1e-300) for n in sizes]
    sse = sum((y - math.log(p)) ** 2 for y, p in zip(logs, predicted, strict=True))
    sst = sum((y - mean) ** 2 for y in logs)
    return 1.0 - sse / sst if sst > 0 else 1.0


def _clean(timings: Sequence[tuple[int, float]]) -> tuple[list[int], list[float]]:
    """Sizes and the fastest time at each: the minimum is the run least disturbed by noise."""
    fastest: dict[int, float] = {}
    for size, seconds in timings:
        if size >= 1 and math.isfinite(seconds) and seconds > 0:
            fastest[int(size)] = min(seconds, fastest.get(int(size), math.inf))
    sizes = sorted(fastest)
    return sizes, [fastest[n] for n in sizes]


def fit_time_complexity(timings: Sequence[tuple[int, float]]) -> ComplexityFit | None:
    """The growth class that best predicts how run time grows with input size.

    Definition: repeated sizes keep their fastest time (the run least disturbed by other
    work); sizes below 1 and times that are not positive and finite are dropped. Each class
    f in O(1), O(log n), O(sqrt n), O(n), O(n log n), O(n^2), O(n^3), O(2^n) is the model
    `t = a + b * f(n)` with `a, b >= 0` (a fixed overhead plus growth; O(1) has b = 0),
    fitted by least squares on relative residuals `(a + b f(n_i) - t_i) / t_i`, so that every
    size weighs the same under multiplicative noise. O(2^n) stands for any c^n with c in
    [1.05, 4] (the best c is kept) and is only tried when every size is at most 64. A class
    is scored by its leave-one-out error: the root mean square relative error of predicting
    each size's time from a fit to the others (every size but the smallest, which only pins
    the overhead), which punishes a class that only fits by bending to noise.

    The choice: when the best growing class's fitted time at the largest size is less than
    `1 + MIN_GROWTH` (1.3) times its time at the smallest, there is no growth to speak of:
    O(1). Otherwise the simplest class whose leave-one-out error is at most `1 + PARSIMONY`
    (1.25) times the smallest: a steeper class must predict clearly better. The fit is
    `reliable` (the timings decide) when that class's error is at most MAX_DECISIVE_ERROR
    (0.6) and every class of another tier (`GrowthClass.tier`) predicts at least
    `1 + MIN_MARGIN` (1.2) times worse; otherwise `note` says what could not be decided.

    Timings should be CPU time of the call (the sandbox's, see `codeeval.sandbox._timing`),
    each the least disturbed of several measurements: on a machine shared with other work,
    wall time bends upwards at large sizes, since a long call is preempted more often.

    Args:
        timings: (input size, seconds) pairs, in any order, sizes possibly repeated.

    Returns:
        The fit, or None with fewer than 4 distinct usable sizes or when the largest size is
        less than twice the smallest.
    """
    sizes, times = _clean(timings)
    if len(sizes) < MIN_SIZES or sizes[-1] < MIN_SIZE_RATIO * sizes[0]:
        return None
    classes = [g for g in GROWTH_CLASSES if g is not _EXPONENTIAL]
    grows = {g.label: g.grows for g in classes}
    errors = {g.label: _loo_error(sizes, times, g.grows) for g in classes}
    base = None
    if sizes[-1] <= MAX_EXPONENTIAL_SIZE:
        errors[_EXPONENTIAL.label], base = _exponential_fit(sizes, times)
        grows[_EXPONENTIAL.label] = _exponential(base)
        classes.append(_EXPONENTIAL)
    smallest = min(errors.values())
    chosen = next(g for g in classes if errors[g.label] <= smallest * (1 + PARSIMONY) + 1e-12)
    growth = _growth(sizes, times, grows[min(errors, key=errors.__getitem__)])
    if chosen.rank > 0 and growth < 1 + MIN_GROWTH:
        chosen = GROWTH_CLASSES[0]
    a, b = _fit_class(sizes, times, grows[chosen.label], sizes[-1])
    note = _undecided(chosen, errors, growth)
    return ComplexityFit(
        complexity=chosen.label,
        rank=chosen.rank,
        error=_relative_rmse(sizes, times, grows[chosen.label], a, b),
        r2=_r2(sizes, times, grows[chosen.label], a, b),
        slope=_slope(sizes, times),
        intercept_s=a,
        coefficient_s=b,
        errors=tuple(errors.items()),
        points=len(sizes),
        reliable=not note,
        growth=_growth(sizes, times, grows[chosen.label]) if chosen.rank else growth,
        base=base if chosen is _EXPONENTIAL else None,
        note=note,
    )


def _growth(sizes: list[int], times: list[float], grows: Callable[[int, int], float]) -> float:
    """The fitted time at the largest size over the fitted time at the smallest."""
    a, b = _fit_class(sizes, times, grows, sizes[-1])
    low = a + b * grows(sizes[0], sizes[-1])
    return (a + b) / low if low > 0 else math.inf


def _undecided(chosen: GrowthClass, errors: dict[str, float], growth: float) -> str:
    """Why the timings cannot decide the class, or "" when they can."""
    if chosen.rank == 0:
        return ""  # no growth: every growing class collapses to a constant
    error = errors[chosen.label]
    if error > MAX_DECISIVE_ERROR:
        return f"no class fits the timings (the best predicts them within {error:.0%} only)"
    tiers = {g.label: g.tier for g in GROWTH_CLASSES}
    rival = min(
        (label for label in errors if tiers[label] != chosen.tier),
        key=errors.__getitem__,
    )
    if errors[rival] < error * (1 + MIN_MARGIN):
        return (
            f"{chosen.label} and {rival} fit the timings about as well "
            f"({error:.3f} and {errors[rival]:.3f} relative error)"
        )
    return ""


def growth_class(label: str) -> GrowthClass | None:
    """The growth class a label such as "O(n log n)", "O(N^2)" or "O(n²)" names, if any.

    Args:
        label: Big-O notation in one variable; spaces, case, `*`, `**`, `lg` and `log(n)`
            spellings are accepted.

    Returns:
        The class, or None when the label names none of `GROWTH_CLASSES` (for example
        "O(V + E)", whose size variable is not the one the timings are measured against).
    """
    text = label.strip().lower()
    for old, new in (("²", "^2"), ("³", "^3"), ("**", "^"), ("*", ""), ("·", ""), (" ", "")):
        text = text.replace(old, new)
    text = text.replace("log(n)", "logn").replace("lgn", "logn").replace("log2n", "logn")
    for root in ("sqrt(n)", "√n", "√(n)", "n^0.5", "n^(1/2)"):
        text = text.replace(root, "sqrtn")
    text = text.replace("θ(", "o(").replace("theta(", "o(")
    if not text.startswith("o("):
        text = f"o({text})"
    for growth in GROWTH_CLASSES:
        if text == growth.label.lower().replace(" ", ""):
            return growth
    return None


def time_complexity_score(fit: ComplexityFit | None, optimal: str | None) -> float | None:
    """Whether the measured growth is no worse than the task's optimal class: 1.0 or 0.0.

    Definition: 1.0 when the measured class's tier is at most the optimal class's tier
    (the program grows no faster than the best known algorithm, up to a log factor), else
    0.0. The tiers are {O(1), O(log n)}, {O(sqrt n)}, {O(n), O(n log n)}, {O(n^2)},
    {O(n^3)}, {O(2^n)}:
    classes one log factor apart are judged equal, since timings cannot tell them apart
    reliably (an O(n) loop over a list that outgrows the CPU caches is often measured as
    O(n log n)). Averaged over samples it is the share of programs with optimal growth.

    Args:
        fit: The fit of the program's timings (None when it was not timed or too few sizes).
        optimal: The task's stated optimal class, such as "O(n log n)".

    Returns:
        1.0 or 0.0, or None when there is no fit, the fit is not reliable, there is no
        stated class, or the class is not one of `GROWTH_CLASSES`.
    """
    target = growth_class(optimal) if optimal else None
    if fit is None or not fit.reliable or target is None:
        return None
    return 1.0 if GROWTH_CLASSES[fit.rank].tier <= target.tier else 0.0
