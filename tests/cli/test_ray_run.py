"""`run` and `grade` with `--executor ray` on a real two-node cluster, as a user runs them.

A run on Ray stores what the same run stores locally (timings aside); `grade` writes the same
results file; a node lost mid-run loses no stored result; a driver killed mid-run resumes with
`--resume` and ends with the results a local run has.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import codeeval
from codeeval.listener import RunListener
from codeeval.scoring import LABELS as COMPLEXITY_LABELS
from codeeval.store.sql import SqlStore
from codeeval.task import load_benchmark, select_tasks
from codeeval.types import SampleKey, Status
from tests.servers.ray_cluster import RayTestCluster

Codeeval = Callable[..., subprocess.CompletedProcess[str]]
HUMANEVAL = [f"humaneval/{n}" for n in range(6)]
# Measured from timings, so they differ run to run (the same on one machine twice too).
TIMED = (
    "time_complexity",
    "efficiency",
    *COMPLEXITY_LABELS,
)


def _replay(folder: Path, delay_s: float = 0.0) -> Path:
    """Right and wrong answers for quicksort and a HumanEval slice, two per task."""
    (quicksort,) = select_tasks(["quicksort"])
    wait = f"    __import__('time').sleep({delay_s})\n" if delay_s else ""
    rows = [
        {"task_id": "quicksort", "response": f"```python\n{quicksort.reference}```"},
        {"task_id": "quicksort", "response": "```python\ndef quicksort(a):\n    return a\n```"},
    ]
    for task in load_benchmark("humaneval")[:6]:
        right = task.reference[len(task.code_prefix) :]
        rows.append({"task_id": task.id, "completion": wait + right})
        rows.append({"task_id": task.id, "completion": wait + "    return None\n"})
    path = folder / "answers.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _run_args(replay: Path, *more: str) -> list[str]:
    tasks = ",".join(["quicksort", *HUMANEVAL])
    return ["run", "--tasks", tasks, "--model", f"replay/{replay}", "--samples", "2", *more]


def _stored(db: Path, run_id: int) -> dict[SampleKey, tuple[Any, ...]]:
    """Each sample's verdict and scores, as stored, timings aside."""
    store = SqlStore(str(db), create=False)
    try:
        record = store.load_run(run_id)
    finally:
        store.close()
    stored = {}
    for row in record.samples:
        if row.result is None:
            continue
        result, execution = row.result, row.result.execution
        cases = tuple((c.name, c.status, c.message) for c in execution.cases) if execution else ()
        scores = {k: v for k, v in result.scores.items() if k not in TIMED}
        message = execution.message if execution else ""
        stored[row.key] = (result.status, scores, cases, message)
    return stored


def test_a_run_on_ray_stores_what_the_same_local_run_stores(
    codeeval: Codeeval, tmp_path: Path, ray_cluster: RayTestCluster
) -> None:
    replay = _replay(tmp_path)
    local = codeeval(*_run_args(replay, "--db", "local.db"))
    assert local.returncode == 0, local.stderr
    on_ray = codeeval(
        *_run_args(replay, "--db", "ray.db", "--executor", "ray"),
        "--ray-address",
        ray_cluster.address,
    )
    assert on_ray.returncode == 0, on_ray.stderr
    expected = _stored(tmp_path / "local.db", 1)
    assert len(expected) == 14
    assert _stored(tmp_path / "ray.db", 1) == expected
    statuses = [verdict[0] for verdict in expected.values()]
    assert statuses.count(Status.PASSED) == 7 and statuses.count(Status.FAILED) == 7
    # The run records where its programs ran and how they were contained there.
    store = SqlStore(str(tmp_path / "ray.db"), create=False)
    sandbox = store.load_run(1).spec.machine["sandbox"]
    store.close()
    assert sandbox["ray_nodes"].startswith("on: ") and sandbox["pid_namespace"].startswith("on")


def test_grade_on_ray_writes_the_results_a_local_grade_writes(
    codeeval: Codeeval, tmp_path: Path, ray_cluster: RayTestCluster
) -> None:
    lines = []
    for task in load_benchmark("humaneval")[:20]:
        lines.append({"task_id": task.title, "completion": task.reference[len(task.code_prefix) :]})
        lines.append({"task_id": task.title, "completion": "    return 0\n"})
    for name in ("local", "ray"):
        text = "".join(json.dumps(line) + "\n" for line in lines)
        (tmp_path / f"{name}.jsonl").write_text(text)
    local = codeeval("grade", "local.jsonl")
    on_ray = codeeval(
        "grade", "ray.jsonl", "--executor", "ray", "--ray-address", ray_cluster.address
    )
    assert local.returncode == 0 and on_ray.returncode == 0, (local.stderr, on_ray.stderr)
    assert local.stdout.splitlines()[0] == on_ray.stdout.splitlines()[0]  # pass@k
    ours = (tmp_path / "ray.jsonl_results.jsonl").read_text().splitlines()
    theirs = (tmp_path / "local.jsonl_results.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in ours] == [json.loads(line) for line in theirs]


class _RemovesANode(RunListener):
    """Removes a worker node once `after` samples are stored, and notes what was stored then."""

    def __init__(self, cluster: RayTestCluster, node: Any, store: SqlStore, after: int) -> None:
        self.cluster, self.node, self.store, self.after = cluster, node, store, after
        self.count, self.run_id = 0, 0
        self.stored_before: dict[SampleKey, Any] = {}

    def started(self, run_id: int) -> None:
        self.run_id = run_id

    def graded(self, key: SampleKey, status: Status) -> None:
        self.count += 1
        if self.count == self.after:
            self.stored_before = {
                row.key: row.result
                for row in self.store.load_run(self.run_id).samples
                if row.result is not None
            }
            self.cluster.remove_node(self.node)


def test_a_node_lost_mid_run_loses_no_stored_result(
    tmp_path: Path, ray_cluster: RayTestCluster
) -> None:
    replay = _replay(tmp_path, delay_s=0.2)
    settings = {
        "tasks": ("quicksort", *HUMANEVAL),
        "models": (f"replay/{replay}",),
        "samples": 2,
    }
    local_db = tmp_path / "local.db"
    codeeval.evaluate(**settings, db=str(local_db), formats=())
    extra = ray_cluster.add_node()
    ray_db = tmp_path / "ray.db"
    store = SqlStore(str(ray_db))
    try:
        listener = _RemovesANode(ray_cluster, extra, store, after=4)
        outcome = codeeval.evaluate(
            **settings,
            db=str(ray_db),
            formats=(),
            executor="ray",
            executor_options={"ray": {"address": ray_cluster.address}},
            listener=listener,
        )
        assert outcome.status == "finished"
        after = {row.key: row.result for row in store.load_run(outcome.run_id).samples}
    finally:
        store.close()
    assert extra not in ray_cluster.workers and len(listener.stored_before) >= 4
    for key, result in listener.stored_before.items():  # nothing stored was lost or changed
        assert after[key] == result
    assert _stored(ray_db, 1) == _stored(local_db, 1)


def _results(db: Path) -> int:
    if not db.exists():
        return 0
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("select count(*) from results").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        connection.close()


def test_a_driver_killed_mid_run_resumes_with_resume(
    codeeval: Codeeval, tmp_path: Path, ray_cluster: RayTestCluster
) -> None:
    replay = _replay(tmp_path, delay_s=0.3)
    local = codeeval(*_run_args(replay, "--db", "local.db"))
    assert local.returncode == 0, local.stderr
    args = _run_args(replay, "--db", "ray.db", "--executor", "ray")
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("CODEEVAL_CONFIG", None)
    driver = subprocess.Popen(
        [sys.executable, "-m", "codeeval", *args, "--ray-address", ray_cluster.address],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _results(tmp_path / "ray.db") < 3 and time.monotonic() < deadline:
        assert driver.poll() is None, "the run ended before it could be killed"
        time.sleep(0.02)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    done = _results(tmp_path / "ray.db")
    assert 3 <= done < 14
    resumed = codeeval(
        "run",
        "--resume",
        "1",
        "--db",
        "ray.db",
        "--executor",
        "ray",
        "--ray-address",
        ray_cluster.address,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert _stored(tmp_path / "ray.db", 1) == _stored(tmp_path / "local.db", 1)
