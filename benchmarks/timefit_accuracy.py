"""How often fit_time_complexity names the right class, and how long a fit takes.

Synthetic timings with multiplicative log-normal noise of 5%, 10% and 20%, without and with
a fixed overhead (half the smallest size's growth time), over two ladders of sizes: nine from
100 to 1,000,000 (a wide range, as the sandbox's timings can now span) and six over a 32x
range (2000 to 64000). Prints, for each true class, the share of trials that chose each class
(rows: true class, columns: chosen class) and the share that were inconclusive, then the
time of one fit against its peer measured in the same run: a plain log-log slope over the
same points.
"""

from __future__ import annotations

import math
import random
import time

from codeeval.scoring import fit_time_complexity

GROWTH = {
    "O(1)": lambda n: 1.0,
    "O(log n)": math.log,
    "O(sqrt n)": math.sqrt,
    "O(n)": float,
    "O(n log n)": lambda n: n * math.log(n),
    "O(n^2)": lambda n: float(n * n),
    "O(n^3)": lambda n: float(n**3),
}
LADDERS = {
    "100 to 1,000,000": [round(100 * 10 ** (i / 2)) for i in range(9)],
    "2000 to 64000": [2000 * 2**i for i in range(6)],
}
TRIALS = 300


def timings(
    label: str, sigma: float, overhead: float, rng: random.Random, sizes: list[int]
) -> list[tuple[int, float]]:
    growth = GROWTH[label]
    fixed = overhead * growth(sizes[0])
    return [(n, (fixed + growth(n)) * 1e-9 * math.exp(rng.gauss(0, sigma))) for n in sizes]


def confusion(sigma: float, overhead: float, ladder: str) -> None:
    rng = random.Random(1)
    sizes = LADDERS[ladder]
    print(f"\nsizes {ladder}, noise {sigma:.0%}, overhead {overhead}: share choosing each class")
    print(" " * 12 + "".join(f"{label:>11}" for label in GROWTH) + "  inconclusive")
    for truth in GROWTH:
        counts = dict.fromkeys(GROWTH, 0)
        undecided = 0
        for _ in range(TRIALS):
            fit = fit_time_complexity(timings(truth, sigma, overhead, rng, sizes))
            assert fit is not None
            if fit.reliable:
                counts[fit.complexity] += 1
            else:
                undecided += 1
        row = "".join(f"{counts[label] / TRIALS:>11.2f}" for label in GROWTH)
        print(f"{truth:>12}{row}{undecided / TRIALS:>14.2f}")


def slope(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def speed() -> None:
    points = timings("O(n log n)", 0.05, 0.0, random.Random(2), LADDERS["2000 to 64000"])
    runs = 2000
    start = time.perf_counter()
    for _ in range(runs):
        fit_time_complexity(points)
    fit_s = (time.perf_counter() - start) / runs
    start = time.perf_counter()
    for _ in range(runs):
        slope(points)
    slope_s = (time.perf_counter() - start) / runs
    print(
        f"\none fit: {fit_s * 1e6:.0f} us; log-log slope alone: {slope_s * 1e6:.1f} us; "
        f"ratio {fit_s / slope_s:.0f}x"
    )


def main() -> None:
    for ladder in LADDERS:
        for sigma in (0.05, 0.10, 0.20):
            for overhead in (0.0, 0.5):
                confusion(sigma, overhead, ladder)
    speed()


if __name__ == "__main__":
    main()
