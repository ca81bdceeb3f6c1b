"""What a fresh process per program costs under each Python interpreter, same machine, same run.

    python benchmarks/fork_per_program.py [--programs 2000] [--rounds 2] [PYTHON ...]

The sandbox forks a warm interpreter for every program; most of a light job's cost is that
fork and the copy-on-write page faults of the child's first writes (see docs/sandbox.md,
Speed). Python 3.12 made built-in objects immortal (their reference counts are never written),
which could spare a forked child some of those faults. This measures it: each interpreter
given (default: the newest 3.11, 3.12 and 3.13 found in pyenv or on PATH) runs the same loop,
standing in for the zygote and its children. A parent with the modules the zygote preloads
does a child's work once itself (as the zygote's warm-up does: else every child pays for
first-use initialisation), then forks one child per program; the child compiles a small
program, calls it eleven times, encodes the results as JSON and writes them to a pipe.
Printed per interpreter: the CPU per program (parent and children) beyond the same work done
in process, that work, and the page faults per program on each side. Interpreters alternate,
`--rounds` times each; the best round of each is compared.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

_LOOP = r'''
import collections, functools, gc, heapq, itertools, json, math, os, re, resource, string
import sys, time, typing

PROGRAM = """
def is_multiply_prime(a):
    def is_prime(n):
        for j in range(2, n):
            if n % j == 0:
                return False
        return True
    for i in range(2, 30):
        if not is_prime(i):
            continue
        for j in range(2, 30):
            if not is_prime(j):
                continue
            for k in range(2, 30):
                if not is_prime(k):
                    continue
                if i * j * k == a:
                    return True
    return False


def lower_half(values):
    return sorted(values)[: len(values) // 2]
"""


def child(write_fd):
    namespace = {}
    exec(compile(PROGRAM, "<candidate>", "exec"), namespace)
    results = [namespace["lower_half"](list(range(i, i + 20))) for i in range(10)]
    results.append(namespace["is_multiply_prime"](30))
    os.write(write_fd, json.dumps(results).encode())


def usage():
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime, me.ru_minflt, kids.ru_minflt


def work_in_process(rounds):
    """CPU ms of the child's work without the fork: compile, calls, encoding."""
    read_fd, write_fd = os.pipe()
    started = time.process_time()
    for _ in range(rounds):
        child(write_fd)
        os.read(read_fd, 1 << 16)
    os.close(read_fd)
    os.close(write_fd)
    return (time.process_time() - started) / rounds * 1e3


programs = int(sys.argv[1])
work_ms = work_in_process(max(1, programs // 10))
gc.collect()
gc.freeze()
before, started = usage(), time.perf_counter()
for _ in range(programs):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            child(write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    os.read(read_fd, 1 << 16)
    os.close(read_fd)
    os.waitpid(pid, 0)
wall, after = time.perf_counter() - started, usage()
print(json.dumps({
    "version": sys.version.split()[0],
    "work_ms": work_ms,
    "wall_ms": wall / programs * 1e3,
    "parent_cpu_ms": (after[0] - before[0]) / programs * 1e3,
    "child_cpu_ms": (after[1] - before[1]) / programs * 1e3,
    "parent_faults": (after[2] - before[2]) / programs,
    "child_faults": (after[3] - before[3]) / programs,
}))
'''


def _default_interpreters() -> list[str]:
    found = []
    for version in ("3.11", "3.12", "3.13"):
        path = shutil.which(f"python{version}")
        pyenv = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python3")))
        if pyenv:
            path = pyenv[-1]
        if path:
            found.append(path)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("pythons", nargs="*", help="interpreters (default: 3.11-3.13 found)")
    args = parser.parse_args()
    pythons = args.pythons or _default_interpreters()
    if not pythons:
        raise SystemExit("no interpreter found: name some, e.g. /usr/bin/python3.11")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for python in pythons:
            run = subprocess.run(
                [python, "-S", "-c", _LOOP, str(args.programs)],
                capture_output=True,
                text=True,
                check=True,
            )
            measured = json.loads(run.stdout)
            cpu = measured["parent_cpu_ms"] + measured["child_cpu_ms"]
            extra = cpu - measured["work_ms"]
            print(
                f"  {measured['version']:8} {measured['wall_ms']:.3f} ms wall, {cpu:.3f} ms CPU "
                f"per program, of which the work in process {measured['work_ms']:.3f}, the rest "
                f"{extra:.3f}; page faults: parent {measured['parent_faults']:.0f}, child "
                f"{measured['child_faults']:.0f}"
            )
            key = measured["version"]
            if key not in best or extra < best[key]["extra"]:
                best[key] = {"cpu": cpu, "extra": extra, **measured}
    first = best[next(iter(best))]
    for version, measured in best.items():
        faults = measured["child_faults"]
        print(
            f"{version}: a fresh process per program costs {measured['extra']:.3f} ms CPU beyond "
            f"the work ({measured['extra'] / first['extra']:.2f}x {first['version']}'s, best of "
            f"{args.rounds}); the work itself {measured['work_ms']:.3f} ms; child page faults "
            f"{faults:.0f} ({faults / first['child_faults']:.2f}x)"
        )


if __name__ == "__main__":
    sys.exit(main())
