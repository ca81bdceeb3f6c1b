"""Time and memory of `codeeval run` on huge replay answers, against an ordinary answer.

Each answer is the quicksort reference in a fenced block, padded to the wanted size with
ordinary code lines (`lines`, the shape that costs the static metrics most per byte), one
long line (`line`), or one list literal over many lines (`rows`, which radon's own
maintainability index handled in quadratic time).
Each run is `python -m codeeval run --model replay/FILE` in a subprocess, as a user's would;
its peak memory is the largest resident size of the whole process tree, sampled, and is cut
off at --cap-gb (the process tree is killed there, so the machine survives the measurement).

    python benchmarks/huge_answer.py            # 1, 10 and 100 MB
    python benchmarks/huge_answer.py --mb 1 10  # only these
    python benchmarks/huge_answer.py --mb 0.09 --shape rows  # under the static-metrics limit
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "tasks" / "quicksort" / "solution.py").read_text(encoding="utf-8")
F = "```"


def answer(size: int, shape: str) -> str:
    """The reference in a fenced block, padded to about `size` bytes."""
    head = f"Here it is:\n{F}python\n{REFERENCE}\n"
    tail = f"{F}\n"
    room = max(0, size - len(head) - len(tail))
    if shape == "lines":
        line = "padding_value = [1, 2, 3]  # a comment\n"
        padding = line * (room // len(line))
    elif shape == "rows":
        padding = "TABLE = [\n" + "    1,\n" * max(0, (room - 12) // 7) + "]\n"
    else:
        padding = "padding_value = '" + "x" * max(0, room - 20) + "'\n"
    return head + padding + tail


def _tree(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(text: str, cap_bytes: int, timeout_s: float) -> dict[str, object]:
    """Run codeeval on one replay answer; seconds, peak tree RSS, exit code."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        replay = folder / "answers.jsonl"
        replay.write_text(json.dumps({"task_id": "quicksort", "completion": text}) + "\n")
        command = [sys.executable, "-m", "codeeval", "run", "--tasks", "quicksort"]
        command += ["--model", f"replay/{replay}", "--db", str(folder / "r.db"), "--json"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CODEEVAL_")}
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=folder,
            env={**env, "CODEEVAL_NO_PLUGINS": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        peak, why = 0, ""
        while process.poll() is None:
            peak = max(peak, _rss(_tree(process.pid)))
            elapsed = time.perf_counter() - started
            if peak > cap_bytes or elapsed > timeout_s:
                why = f"killed over {cap_bytes >> 30} GB" if peak > cap_bytes else "timed out"
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.1)
        stdout, stderr = process.communicate()
        seconds = time.perf_counter() - started
    status = ""
    if process.returncode == 0:
        data = json.loads(stdout)
        status = ",".join(f"{k} {v}" for k, v in sorted(data["models"][0]["statuses"].items()))
    return {
        "seconds": seconds,
        "peak_mb": peak / 2**20,
        "rc": process.returncode,
        "why": why or stderr.decode(errors="replace").strip().splitlines()[-1:],
        "status": status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="*", default=[1, 10, 100])
    parser.add_argument("--shape", choices=["lines", "line", "rows"], nargs="*", default=["lines"])
    parser.add_argument("--cap-gb", type=float, default=4)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    cap = int(args.cap_gb * 2**30)
    ordinary = measure(answer(0, "lines"), cap, args.timeout)
    print(f"ordinary answer: {ordinary['seconds']:.1f} s, {ordinary['peak_mb']:.0f} MB peak")
    for shape in args.shape:
        for mb in args.mb:
            found = measure(answer(int(mb * 2**20), shape), cap, args.timeout)
            print(
                f"{mb:g} MB ({shape}): {found['seconds']:.1f} s "
                f"({found['seconds'] / ordinary['seconds']:.1f}x ordinary), "
                f"{found['peak_mb']:.0f} MB peak ({found['peak_mb'] / ordinary['peak_mb']:.1f}x), "
                f"rc {found['rc']} {found['why'] or ''} {found['status']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
