"""Grading throughput on Ray with 1 and 2 worker nodes beside the local executor, same run.

    python benchmarks/scaling.py [--copies 10] [--rounds 3]

The same file of HumanEval's 164 canonical solutions x `--copies` (1,640 samples) is graded
with `grade_file` by: the local executor with a worker per CPU; the local executor with one
worker pinned to CPU 0 (what one Ray node below has); and the Ray executor on a cluster of
`ray start` processes on this machine: a head with no CPU for jobs, and worker nodes each
pinned (taskset) to one CPU and declaring one CPU to Ray. On a 2-core machine a "node" is
thus one CPU, not one machine; the driver (this process) and the head share the CPUs with
them. Each round grades with every set-up, interleaved (local, Ray 1 node, Ray 2 nodes),
so that a busy machine slows all alike; the load average is printed with each round.

It prints samples/s for each, the ratio of Ray with 2 nodes to Ray with 1 node, the overhead
Ray adds per sample on a node (Ray 1 node against the local executor on the same one CPU),
the driver's CPU per sample, and the model behind the extrapolation to N machines: the nodes
grade independently (no node waits for another: batches go straight from the driver to each
node's grader), so N nodes reach E x N x T1, with E the node efficiency measured here (Ray 2
nodes / 2 x Ray 1 node); but one driver handles every result, at d s of CPU each, so no
cluster passes 1 / d. N machines of throughput T1 thus grade min(E x N x T1, 1 / d): at least
0.8 N x T1 while E >= 0.8 and N <= 1 / (0.8 x d x T1), the N_max printed below.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The nodes find Ray's token in ~/.ray/auth_token; a driver given an address must be told to
# send it, before Ray reads its configuration at import.
os.environ.setdefault("RAY_AUTH_MODE", "token")

import ray  # noqa: E402

from codeeval.grading import grade_file
from codeeval.sandbox.local import LocalExecutor
from codeeval.sandbox.ray import RayExecutor
from codeeval.task import load_benchmark

CPUS = sorted(os.sched_getaffinity(0))
OBJECT_STORE = str(100 << 20)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """`ray start --block` processes, each in a process group of its own (killed at the end)."""

    def __init__(self) -> None:
        from ray.util import get_node_ip_address

        self.port = _free_port()
        self.address = f"{get_node_ip_address()}:{self.port}"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.ray = shutil.which("ray", path=os.path.dirname(sys.executable)) or "ray"
        self.common = [f"--object-store-memory={OBJECT_STORE}"]
        self._start("head", ["--head", f"--port={self.port}", "--num-cpus=0", *self.common])
        deadline = time.monotonic() + 120
        while True:  # the head's GCS answers: this driver connects, once, for the whole run
            try:
                ray.init(address=self.address, logging_level="ERROR", log_to_driver=False)
                break
            except ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)

    def _start(self, name: str, args: list[str], cpu: int | None = None) -> None:
        pin = ["taskset", "-c", str(cpu)] if cpu is not None else []
        self.processes[name] = subprocess.Popen(
            [*pin, self.ray, "start", *args, "--disable-usage-stats", "--block"],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _wait_for(self, cpus: int) -> None:
        deadline = time.monotonic() + 120
        while ray.cluster_resources().get("CPU", 0) != cpus:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the cluster did not reach {cpus} CPUs")
            time.sleep(0.2)

    def add_node(self, cpu: int) -> None:
        """A worker node pinned to `cpu`, declaring one CPU to Ray."""
        args = [f"--address={self.address}", "--num-cpus=1", *self.common]
        self._start(f"cpu{cpu}", args, cpu)
        self._wait_for(len(self.processes) - 1)

    def remove_node(self, cpu: int) -> None:
        """Stop the node pinned to `cpu`."""
        _stop(self.processes.pop(f"cpu{cpu}"))
        self._wait_for(len(self.processes) - 1)

    def node_pids(self) -> list[int]:
        """The worker nodes' `ray start` processes (each node's processes descend from one)."""
        return [process.pid for name, process in self.processes.items() if name != "head"]

    def close(self) -> None:
        """Stop every node, the head last."""
        ray.shutdown()
        for name in [n for n in self.processes if n != "head"] + ["head"]:
            if name in self.processes:
                _stop(self.processes.pop(name))


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _samples(path: Path, copies: int) -> int:
    tasks = load_benchmark("humaneval")
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(copies):
            for task in tasks:
                completion = task.reference[len(task.code_prefix) :]
                handle.write(json.dumps({"task_id": task.title, "completion": completion}) + "\n")
    return copies * len(tasks)


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _tree_cpu() -> float:
    """CPU of this process and of its children that ended (the local executor's zygotes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _descendants_cpu(roots: list[int]) -> float:
    """CPU of the processes below `roots` (a Ray node's), with what their ended children used."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = sum(int(value) for value in fields[11:15]) / tick
    below = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in below and pid not in below:
                below.add(pid)
                grew = True
    return sum(cpu.get(pid, 0.0) for pid in below)


@dataclass
class Figure:
    """One grading of the file: wall s, the driver's CPU s, all CPU s it caused, start-up s."""

    wall: float
    driver: float
    total: float
    startup: float


def _timed(make: Callable[[], object], path: Path, nodes: list[int]) -> Figure:
    """Grade `path` with a started executor; `nodes`: the Ray nodes' root processes."""
    started = time.perf_counter()
    executor = make()
    assert executor.isolation  # type: ignore[attr-defined]  # every worker started first
    startup = time.perf_counter() - started
    try:
        tree, own, remote = _tree_cpu(), _own_cpu(), _descendants_cpu(nodes)
        begin = time.perf_counter()
        report = grade_file(path, executor)  # type: ignore[arg-type]
        wall = time.perf_counter() - begin
        own, remote = _own_cpu() - own, _descendants_cpu(nodes) - remote
    finally:
        executor.close()  # type: ignore[attr-defined]
    tree = _tree_cpu() - tree  # the local zygotes are reaped by now
    assert report.statuses == {"passed": report.samples}, report.statuses
    return Figure(wall, own, tree + remote, startup)


@contextlib.contextmanager
def _pinned(cpu: int) -> Iterator[None]:
    """Pin this process (and the zygotes it starts) to one CPU, as a Ray node is here."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if len(CPUS) < 2:
        raise SystemExit("needs at least 2 CPUs")

    figures: dict[str, list[Figure]] = {}
    with tempfile.TemporaryDirectory(prefix="codeeval-scaling-") as folder:
        path = Path(folder) / "samples.jsonl"
        count = _samples(path, args.copies)
        cluster = Cluster()
        try:
            cluster.add_node(CPUS[0])
            for round_number in range(args.rounds):
                load = os.getloadavg()[0]
                print(f"round {round_number + 1}: load average {load:.2f} on {len(CPUS)} CPUs")
                ray_executor = lambda: RayExecutor(address=cluster.address)  # noqa: E731
                runs: list[tuple[str, Callable[[], object]]] = [
                    ("local, 2 workers", lambda: LocalExecutor(workers=len(CPUS))),
                    ("local, 1 worker, CPU 0", lambda: LocalExecutor(workers=1)),
                    ("ray, 1 node", ray_executor),
                ]
                for name, make in runs:
                    with _pinned(CPUS[0]) if "CPU 0" in name else contextlib.nullcontext():
                        figure = _timed(make, path, cluster.node_pids())
                    figures.setdefault(name, []).append(figure)
                cluster.add_node(CPUS[1])
                figure = _timed(ray_executor, path, cluster.node_pids())
                figures.setdefault("ray, 2 nodes", []).append(figure)
                cluster.remove_node(CPUS[1])
                for name, rows in figures.items():
                    row = rows[-1]
                    print(
                        f"  {name:24} {count / row.wall:7.1f} samples/s ({row.wall:5.2f} s; CPU "
                        f"{row.total / count * 1e3:4.2f} ms/sample, driver "
                        f"{row.driver / count * 1e6:4.0f} us; start-up {row.startup:4.1f} s)"
                    )
        finally:
            cluster.close()
    _summary(figures, count, args.rounds)


def _summary(figures: dict[str, list[Figure]], count: int, rounds: int) -> None:
    best = {name: min(rows, key=lambda f: f.wall) for name, rows in figures.items()}
    rate = {name: count / figure.wall for name, figure in best.items()}
    one, two = rate["ray, 1 node"], rate["ray, 2 nodes"]
    cpu = {name: statistics.median(f.total for f in rows) / count for name, rows in figures.items()}
    added = cpu["ray, 1 node"] - cpu["local, 1 worker, CPU 0"]
    driver = statistics.median(f.driver / count for f in figures["ray, 2 nodes"])
    efficiency = two / (2 * one)
    load = os.getloadavg()[0]
    print(f"\nbest of {rounds} rounds, {count} samples (load average now {load:.2f}):")
    for name, value in rate.items():
        print(f"  {name:24} {value:7.1f} samples/s, {cpu[name] * 1e3:.2f} ms CPU/sample (median)")
    print(f"Ray 2 nodes / Ray 1 node: {two / one:.2f}x (goal >= 1.6x)")
    print(
        f"Ray's overhead per sample: {added * 1e3:.2f} ms CPU (driver and node together: "
        f"{cpu['ray, 1 node'] * 1e3:.2f} ms on Ray, 1 node, against "
        f"{cpu['local, 1 worker, CPU 0'] * 1e3:.2f} ms locally, 1 worker); in wall time on one "
        f"CPU {(1 / one - 1 / rate['local, 1 worker, CPU 0']) * 1e3:.2f} ms"
    )
    # N machines: min(E N T1, 1 / d) >= 0.8 N T1 while E >= 0.8 and N <= 1 / (0.8 d T1).
    per_machine = rate["local, 2 workers"]
    n_max = 1 / (0.8 * driver * per_machine)
    print(
        f"model: N machines grade min(E x N x T1, 1 / d) samples/s; E = {efficiency:.2f} "
        f"(node efficiency, measured; >= 0.8: {'yes' if efficiency >= 0.8 else 'NO'}), "
        f"d = {driver * 1e6:.0f} us of driver CPU per sample (1 / d = {1 / driver:.0f} "
        f"samples/s); with machines like this one (T1 = {per_machine:.0f} samples/s) that is "
        f">= 0.8 N x T1 up to N = {n_max:.0f}"
    )


if __name__ == "__main__":
    main()
