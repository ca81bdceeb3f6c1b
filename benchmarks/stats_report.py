"""Time the statistics of a typical report: 40 tasks x 10 samples x 5 models.

Per model: a bootstrap interval for each of 3 binary and 4 continuous metrics and for pass@k,
k = 1..10; between every pair of models: a paired comparison on each of the 7 metrics. The
peer figure is the same work with the plain mean only (no interval), measured in this run.
"""

from __future__ import annotations

import itertools
import random
import time

from codeeval.scoring import (
    bootstrap_ci,
    compare,
    mean_of_means,
    pass_at_k_ci,
)

TASKS, SAMPLES, MODELS = 40, 10, 5
BINARY = ("compiles", "pass@1", "time_complexity")
CONTINUOUS = ("cyclomatic", "maintainability", "pep8", "comments")


def make_runs(seed: int = 1) -> list[dict[str, dict[str, list[float | None]]]]:
    rng = random.Random(seed)
    runs = []
    for _ in range(MODELS):
        metrics: dict[str, dict[str, list[float | None]]] = {}
        for name in BINARY:
            share = rng.random()
            metrics[name] = {
                f"t{t}": [float(rng.random() < share) for _ in range(SAMPLES)] for t in range(TASKS)
            }
        for name in CONTINUOUS:
            centre = rng.uniform(1, 80)
            metrics[name] = {
                f"t{t}": [rng.gauss(centre, centre / 4) for _ in range(SAMPLES)]
                for t in range(TASKS)
            }
        runs.append(metrics)
    return runs


def intervals(runs: list[dict[str, dict[str, list[float | None]]]]) -> int:
    done = 0
    for metrics in runs:
        for values in metrics.values():
            bootstrap_ci(values)
            done += 1
        counts = [(len(v), int(sum(x or 0 for x in v))) for v in metrics["pass@1"].values()]
        for k in range(1, SAMPLES + 1):
            pass_at_k_ci(counts, k)
            done += 1
    return done


def full_report(runs: list[dict[str, dict[str, list[float | None]]]]) -> int:
    done = 0
    for metrics in runs:
        for values in metrics.values():
            bootstrap_ci(values)
            done += 1
        counts = [(len(v), int(sum(x or 0 for x in v))) for v in metrics["pass@1"].values()]
        for k in range(1, SAMPLES + 1):
            pass_at_k_ci(counts, k)
            done += 1
    for a, b in itertools.combinations(runs, 2):
        for name in a:
            compare(a[name], b[name])
            done += 1
    return done


def means_only(runs: list[dict[str, dict[str, list[float | None]]]]) -> int:
    done = 0
    for metrics in runs:
        for values in metrics.values():
            mean_of_means(values)
            done += 1
    return done


def best_of(func, runs, repeats: int = 5) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        count = func(runs)
        times.append(time.perf_counter() - start)
    return min(times), count


def main() -> None:
    runs = make_runs()
    full_s, calls = best_of(full_report, runs)
    intervals_s, interval_calls = best_of(intervals, runs)
    plain_s, _ = best_of(means_only, runs)
    print(f"report statistics ({calls} intervals and comparisons): {full_s * 1e3:.0f} ms")
    print(f"intervals only ({interval_calls}): {intervals_s * 1e3:.0f} ms")
    print(f"plain means only: {plain_s * 1e3:.1f} ms; ratio {full_s / plain_s:.0f}x")


if __name__ == "__main__":
    main()
