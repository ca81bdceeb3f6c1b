"""Accuracy of the measured time complexity, through codeeval's own pipeline, beside big-O's.

    python benchmarks/complexity.py [--runs 3] [--busy-run 3] [--budget 3] [--workers N]
                                    [--cases NAME,...] [--no-big-o] [--json FILE]

Every implementation of `complexity_cases.py` (48 with known classes, O(1) to O(2^n), plus
4 memory-bound O(n) ones reported apart) becomes a task folder (`solution.py`, `inputs.py`
with its generator, `[complexity] sizes` over its range, a small test) and the whole set is
graded with `python -m codeeval run --model reference --tasks <folder>`: task folder,
preparation (the reference timed once), grading (timed again as a sample), scoring, report.
The class of each case is read from that run's `report.json`, the measurement time of each
sample from its stored timing. This is repeated `--runs` times, run `--busy-run` with a
process keeping another core busy the whole time.

Beside it, in the same run, the `big-O` package (PyPI `big-O`; install it into the
virtualenv for this benchmark only: `.venv/bin/pip install big-O`) classifies the same
functions on the same generators between the same smallest and largest sizes, in this
process, with its defaults (10 sizes, one call each). big-O has no O(sqrt n) class.

Printed: each case's true class and the class every run found, accuracy per run, agreement
between runs (every run the same class; and, for the O(n log n) and O(n^2) cases, never one
for the other), the median and largest measurement time per sample (wall and CPU), and the
load average. The machine may be shared: the load average says how busy it was.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import complexity_cases
from complexity_cases import Case

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240601
BIG_O_LABELS = {
    "Constant": "O(1)",
    "Logarithmic": "O(log n)",
    "Linear": "O(n)",
    "Linearithmic": "O(n log n)",
    "Quadratic": "O(n^2)",
    "Cubic": "O(n^3)",
    "Exponential": "O(2^n)",
    "Polynomial": "polynomial",
}


def write_task(folder: Path, case: Case) -> None:
    """A task folder for `case`: its code as the reference, a test on a small input."""
    folder.mkdir(parents=True)
    namespace: dict[str, Any] = {}
    exec(case.generate, namespace)
    args = namespace["generate"](case.sizes[0], random.Random(1))
    code: dict[str, Any] = {}
    exec(case.code, code)
    expected = code["f"](*args)
    sizes = ", ".join(str(size) for size in case.sizes)
    (folder / "task.toml").write_text(
        f'entry_point = "f"\ntime_complexity = "{case.truth}"\n\n'
        f"[limits]\nmin_time_limit_s = 10\n\n[complexity]\nsizes = [{sizes}]\n",
        encoding="utf-8",
    )
    (folder / "prompt.en.md").write_text(f"Implement {case.name}.\n", encoding="utf-8")
    (folder / "solution.py").write_text(case.code, encoding="utf-8")
    (folder / "inputs.py").write_text(case.generate, encoding="utf-8")
    (folder / "tests.py").write_text(
        f"def test_small(candidate):\n    assert candidate(*{args!r}) == {expected!r}\n",
        encoding="utf-8",
    )


def codeeval_run(cases: list[Case], budget: float, workers: int | None) -> dict[str, Any]:
    """Grade every case with `run --model reference`; its classes and measurement times."""
    with tempfile.TemporaryDirectory(prefix="complexity-bench-") as tmp:
        root = Path(tmp)
        for case in cases:
            write_task(root / "cases" / case.name, case)
        command = [
            sys.executable, "-m", "codeeval", "run", "--model", "reference",
            "--tasks", str(root / "cases"), "--db", str(root / "runs.db"),
            "--out", str(root / "out"), "--format", "json",
            "--complexity-budget", str(budget), "--json",
        ]  # fmt: skip
        if workers:
            command += ["--workers", str(workers)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"codeeval run failed ({done.returncode}):\n{done.stderr[-3000:]}")
        (report_path,) = (root / "out").glob("run-*/report.json")
        report = json.loads(report_path.read_text(encoding="utf-8"))
        classes = {
            task["task_id"].rsplit("/", 1)[-1]: task["cells"]["reference"]["time_complexity"]
            for task in report["tasks"]
        }
        costs = _measurement_costs(str(root / "runs.db"), report["run"]["id"])
    return {"classes": classes, "costs": costs, "elapsed_s": elapsed}


def _measurement_costs(db: str, run_id: int) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds of each sample's timing, from the run's stored results."""
    from codeeval.store.sql import SqlStore

    record = SqlStore(db, create=False).load_run(run_id)
    costs = {}
    for row in record.samples:
        execution = row.result.execution if row.result else None
        if execution is not None and execution.timing is not None:
            name = row.key.task_id.rsplit("/", 1)[-1]
            costs[name] = (execution.timing.wall_s, execution.timing.cpu_s)
    return costs


def big_o_run(cases: list[Case]) -> dict[str, Any]:
    """big-O's class for every case, and the seconds it took for each."""
    import big_o

    classes, costs = {}, {}
    for case in cases:
        namespace: dict[str, Any] = {}
        exec(case.generate, namespace)
        exec(case.code, namespace)
        generate, function = namespace["generate"], namespace["f"]
        rng = random.Random(SEED)
        started = time.perf_counter()
        # big_o.big_o() with its defaults (10 sizes, evenly spaced; one call each), in two
        # steps: its least-squares fit of some classes (Cubic over a wide range of n) raises
        # IndexError, which would end the whole call; such a class is left out instead.
        sizes, times = big_o.big_o.__globals__["measure_execution_time"](
            lambda args, f=function: f(*args),
            lambda n, g=generate, r=rng: g(int(n), r),
            case.sizes[0],
            case.sizes[-1],
            10,
            1,
            1,
        )
        usable = [c for c in big_o.complexities.ALL_CLASSES if _fits(c, sizes, times)]
        best, _ = big_o.infer_big_o_class(sizes, times, usable)
        costs[case.name] = time.perf_counter() - started
        classes[case.name] = BIG_O_LABELS.get(type(best).__name__, type(best).__name__)
    return {"classes": classes, "costs": costs}


def _fits(cls: Any, sizes: Any, times: Any) -> bool:
    try:
        cls().fit(sizes, times)
    except IndexError:
        return False
    return True


def _spin(stop: Any) -> None:
    while not stop.is_set():
        pass


def busy(action: Callable[[], Any]) -> Any:
    """Run `action` while another process keeps one core busy."""
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    spinner = context.Process(target=_spin, args=(stop,))
    spinner.start()
    try:
        return action()
    finally:
        stop.set()
        spinner.join(timeout=10)


def report(cases: list[Case], runs: list[dict[str, Any]], who: str, title: str) -> None:
    names = [case.name for case in cases]
    truth = {case.name: case.truth for case in cases}
    print(f"\n{title}: {who}")
    print(
        f"{'case':30} {'true class':11} "
        + " ".join(f"{'run ' + str(i + 1):13}" for i in range(len(runs)))
    )
    for name in names:
        found = [run["classes"].get(name) or "-" for run in runs]
        marks = " ".join(f"{c + ('' if c == truth[name] else ' x'):13}" for c in found)
        print(f"{name:30} {truth[name]:11} {marks}")
    for index, run in enumerate(runs):
        right = sum(run["classes"].get(name) == truth[name] for name in names)
        print(f"  run {index + 1}: {right}/{len(names)} right")
    same = sum(len({run["classes"].get(name) for run in runs}) == 1 for name in names)
    print(f"  agreement: {same}/{len(names)} cases with the same class in every run")
    sorts = [n for n in names if truth[n] in ("O(n log n)", "O(n^2)")]
    flips = [
        n
        for n in sorts
        if len({_tier(run["classes"].get(n)) for run in runs} & {"nlogn", "n2"}) > 1
    ]
    print(
        f"  O(n log n) vs O(n^2): {len(sorts) - len(flips)}/{len(sorts)} cases never flip"
        + (f" (flip: {', '.join(flips)})" if flips else "")
    )


def _tier(label: str | None) -> str:
    return {"O(n log n)": "nlogn", "O(n)": "nlogn", "O(n^2)": "n2"}.get(label or "", "other")


def costs_line(runs: list[dict[str, Any]], who: str) -> None:
    for index, run in enumerate(runs):
        costs = run["costs"]
        if who == "codeeval":
            walls = [wall for wall, _ in costs.values()]
            cpus = [cpu for _, cpu in costs.values()]
            print(
                f"  run {index + 1}: measurement per sample: median "
                f"{statistics.median(walls):.2f} s wall ({statistics.median(cpus):.2f} s CPU), "
                f"largest {max(walls):.2f} s wall; whole run {run['elapsed_s']:.0f} s "
                "(preparation included)"
            )
        else:
            values = list(costs.values())
            print(
                f"  run {index + 1}: big-O per case: median {statistics.median(values):.2f} s, "
                f"largest {max(values):.2f} s"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--busy-run", type=int, default=3, help="the run with a core kept busy")
    parser.add_argument("--budget", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--cases", default="", help="comma-separated case names (default: all)")
    parser.add_argument("--no-big-o", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    options = parser.parse_args()
    chosen = set(filter(None, options.cases.split(",")))
    groups = {
        "cases": [c for c in complexity_cases.CASES if not chosen or c.name in chosen],
        "memory-bound cases": [
            c for c in complexity_cases.MEMORY_BOUND if not chosen or c.name in chosen
        ],
    }
    every = [case for cases in groups.values() for case in cases]
    print(
        f"{len(every)} cases, budget {options.budget} s per sample; load average {os.getloadavg()}"
    )
    codeeval_runs, big_o_runs = [], []
    for number in range(1, options.runs + 1):

        def one_run() -> tuple[dict[str, Any], dict[str, Any] | None]:
            mine = codeeval_run(every, options.budget, options.workers)
            theirs = None if options.no_big_o else big_o_run(every)
            return mine, theirs

        loaded = number == options.busy_run
        mine, theirs = busy(one_run) if loaded else one_run()
        codeeval_runs.append(mine)
        if theirs is not None:
            big_o_runs.append(theirs)
        note = " (another core busy)" if loaded else ""
        print(f"run {number}{note} done; load average {os.getloadavg()}", flush=True)
    for title, cases in groups.items():
        if not cases:
            continue
        report(cases, codeeval_runs, "codeeval", title)
        if big_o_runs:
            report(cases, big_o_runs, "big-O", title)
    print("\nmeasurement time")
    costs_line(codeeval_runs, "codeeval")
    if big_o_runs:
        costs_line(big_o_runs, "big-O")
    print(f"load average at the end {os.getloadavg()}")
    if options.json:
        options.json.write_text(
            json.dumps({"codeeval": codeeval_runs, "big_o": big_o_runs}, indent=1), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
