"""Grading spread over a Ray cluster: on every node, the same local sandbox (needs `ray`).

One grader actor per node, each holding a warm `LocalExecutor` with a worker per CPU the
node declares to Ray, so every program runs in exactly the sandbox it would run in on this
machine, with the sandbox's own limits (Ray's resources are only logical). The driver, this
process, reads jobs lazily, sends them in batches (a Ray call costs far more than a fork, so
a batch carries several jobs), keeps a few batches in flight per node and no more jobs read
ahead than those batches hold, and yields each batch's results as it comes back.

A node whose sandbox cannot isolate programs (no user, PID or network namespace, or no
seccomp filter), or that runs another codeeval or Python version, is refused with the
reason and never sent a job. When a worker process or a whole node dies, the jobs it was
grading are sent again, each alone and to another node where there is one, up to
`max_attempts` times in all; a job that outlives that becomes an `infra_error` result,
which says nothing about the program. Results already handed out are never taken back, so a
node lost mid-run loses nothing already stored.
"""

from __future__ import annotations

import itertools
import math
import os
import platform
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from codeeval import __version__, cluster
from codeeval.errors import BadConfig
from codeeval.types import ExecJob, ExecResult, Status

_WHO = "--executor ray"
# Batches in flight per node, graded side by side there: while one ends (its last, slowest
# jobs), the other keeps the node's workers busy, and neither waits for the driver.
_BATCHES_PER_NODE = 2
# A Ray call costs the driver about a millisecond of CPU, far more than a job's own share, so
# batches grow until each takes about this long on its node (fewer for slow jobs: results
# still come back every fraction of a second), from this many jobs per worker at first.
_BATCH_S = 1.0
_JOBS_PER_WORKER = 8
_MAX_BATCH = 512
_RESTARTS_PER_NODE = 5  # new grader actors on one node, after its earlier ones died
_REDISCOVER_S = 5.0  # how often a run looks for nodes that joined the cluster
_POLL_S = 0.02  # how soon a node with room looks again for a job read meanwhile
# What a node's sandbox must have to be used: without namespaces a program could read the
# host's files and see its processes (docs/sandbox.md), which no node should allow.
REQUIRED = ("user_namespace", "pid_namespace", "network_namespace", "seccomp")


def refusal(isolation: Mapping[str, str]) -> str | None:
    """Why a node whose local sandbox reports `isolation` must not grade, or None.

    Args:
        isolation: the node's `LocalExecutor().isolation`.
    """
    for name in REQUIRED:
        value = isolation.get(name, "off: not available on this node")
        if not value.startswith("on"):
            return f"its sandbox cannot isolate programs ({name}: {value})"
    return None


class NodeGrader:
    """A node's grader: a warm local executor that grades batches (a Ray actor's class).

    Built on the node by Ray. It never raises from its constructor: what keeps the node from
    grading is told by `hello`, so the driver can name the node and the reason.
    """

    def __init__(self, options: dict[str, Any]) -> None:
        self.executor: Any = None
        self.problem: str | None = None
        self.isolation: dict[str, str] = {}
        try:
            from codeeval.sandbox.local import LocalExecutor

            # Threads, not worker processes: a Ray worker runs threads of its own (gRPC's)
            # that a fork would copy mid-flight.
            self.executor = LocalExecutor(**options, processes=False)
            self.isolation = self.executor.isolation
            self.problem = refusal(self.isolation)
        except Exception as exc:  # told to the driver, which refuses the node
            self.problem = f"its sandbox does not start: {type(exc).__name__}: {exc}"
        if self.problem and self.executor is not None:
            self.executor.close()
            self.executor = None

    def hello(self) -> dict[str, Any]:
        """What the driver checks before it sends a job here."""
        return {
            "pid": os.getpid(),
            "version": __version__,
            "python": platform.python_version(),
            "isolation": self.isolation,
            "problem": self.problem,
        }

    def grade(self, jobs: list[ExecJob]) -> tuple[list[ExecResult], float]:
        """Grade `jobs` on this node's workers: one result per job, and the seconds it took."""
        if self.executor is None:
            raise RuntimeError(f"this node does not grade: {self.problem}")
        started = time.perf_counter()
        results = list(self.executor.run(jobs))
        return results, time.perf_counter() - started

    def close(self) -> None:
        """Stop the node's zygotes."""
        if self.executor is not None:
            self.executor.close()


@dataclass(eq=False)
class _Attempt:
    """A job on its way, and the failures of the workers it was sent to."""

    job: ExecJob
    failures: list[str] = field(default_factory=list)
    avoid: set[str] = field(default_factory=set)  # nodes it failed on


@dataclass(eq=False)
class _Node:
    """A grader actor on one node, ready to grade."""

    node_id: str
    address: str
    actor: Any
    workers: int
    batch_size: int
    pid: int = 0
    in_flight: int = 0
    fixed: bool = False  # `batch_size` was asked for: it does not adapt

    def took(self, jobs: int, seconds: float) -> None:
        """A batch of `jobs` took `seconds` here: aim the next ones at `_BATCH_S` each."""
        if self.fixed or jobs < 1:
            return
        wanted = jobs * _BATCH_S / max(seconds, 1e-3)
        # Halfway there (geometrically): one unusual batch moves it little.
        self.batch_size = max(1, min(_MAX_BATCH, round(math.sqrt(self.batch_size * wanted))))


@dataclass(eq=False)
class _Starting:
    node_id: str
    address: str
    actor: Any
    workers: int
    since: float = field(default_factory=time.monotonic)


class _Feed:
    """Reads the jobs in a thread of its own, never more than `room` ahead of the results.

    The source may block (the runner's jobs wait for generations; `grade`'s wait for the
    reference's result), so it is never read from the thread that hands out results.
    """

    _END = object()

    def __init__(self, jobs: Iterable[ExecJob], room: int) -> None:
        self._source = iter(jobs)
        self._queue: deque[ExecJob] = deque()
        self._changed = threading.Condition()
        self._room = self._limit = room
        self._stopped = False
        self.finished = False  # the source is exhausted (or failed)
        self.error: BaseException | None = None
        threading.Thread(target=self._pull, name="codeeval-ray-feed", daemon=True).start()

    def _pull(self) -> None:
        try:
            while True:
                with self._changed:
                    while self._room <= 0 and not self._stopped:
                        self._changed.wait()
                    if self._stopped:
                        return
                    self._room -= 1
                job = next(self._source, self._END)
                with self._changed:
                    if job is self._END:
                        self.finished = True
                        self._changed.notify_all()
                        return
                    self._queue.append(job)  # type: ignore[arg-type]
                    self._changed.notify_all()
        except BaseException as exc:  # handed to the consumer, who re-raises it
            with self._changed:
                self.error, self.finished = exc, True
                self._changed.notify_all()

    def take(self, count: int) -> list[ExecJob]:
        """Up to `count` jobs read already (none if none is)."""
        with self._changed:
            return [self._queue.popleft() for _ in range(min(count, len(self._queue)))]

    def waiting(self) -> int:
        """How many jobs are read and not yet taken."""
        return len(self._queue)

    def exhausted(self) -> bool:
        """Whether every job was read and taken."""
        with self._changed:
            return self.finished and not self._queue

    def wait(self, timeout: float | None) -> None:
        """Until a job is read or the source ends (or `timeout` passes)."""
        with self._changed:
            if not self._queue and not self.finished:
                self._changed.wait(timeout)

    def done_with(self, count: int, room: int) -> None:
        """`count` jobs have their results: read as many more, and `room` ahead from now on."""
        with self._changed:
            self._room += count + room - self._limit
            self._limit = room
            self._changed.notify_all()

    def stop(self) -> None:
        """Read no more."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()


class RayExecutor:
    """Grades jobs on the nodes of a Ray cluster, each in its own local sandbox.

    Args:
        address: the cluster (`HOST:6379`, `ray://HOST:10001`); default: `RAY_ADDRESS`, else
            the cluster `ray start` left on this machine, else a new local Ray instance.
        workers: jobs graded at once on each node (default: the CPUs the node declares to
            Ray); the node's grader reserves that many of Ray's CPUs.
        batch_size: jobs per Ray call (default: adapted to each node, so that a batch takes
            about a second there).
        max_attempts: times a job is sent to a worker before a worker's death makes it an
            `infra_error` result (the first try included).
        start_timeout_s: how long a node's grader may take to start before the node is left
            out.
        packages, wall_factor, timing_repeats, tmp_mb, network_per_job, hide_paths,
        max_reply_mb, cgroups: as for `LocalExecutor`, applied on every node.
    """

    def __init__(
        self,
        *,
        address: str | None = None,
        workers: int | None = None,
        batch_size: int | None = None,
        max_attempts: int = 3,
        start_timeout_s: float = 120.0,
        packages: Iterable[str] = (),
        wall_factor: float = 3.0,
        timing_repeats: int = 3,
        tmp_mb: int = 64,
        network_per_job: bool = False,
        hide_paths: Iterable[str] = (),
        max_reply_mb: int = 16,
        cgroups: str = "auto",
    ) -> None:
        for name, value in (
            ("workers", workers),
            ("batch_size", batch_size),
            ("max_attempts", max_attempts),
        ):
            if value is not None and value < 1:
                raise BadConfig(f"{_WHO}: {name}: must be at least 1, not {value}")
        if start_timeout_s <= 0:
            raise BadConfig(f"{_WHO}: start_timeout_s: must be positive, not {start_timeout_s}")
        self.workers, self.batch_size = workers, batch_size
        self.max_attempts, self.start_timeout_s = max_attempts, start_timeout_s
        self._options: dict[str, Any] = {
            "wall_factor": wall_factor,
            "timing_repeats": timing_repeats,
            "tmp_mb": tmp_mb,
            "network_per_job": network_per_job,
            "hide_paths": tuple(hide_paths),
            "max_reply_mb": max_reply_mb,
            "packages": tuple(packages),
            "cgroups": cgroups,
        }
        self._ray = cluster.connect(address, _WHO)
        self._lock = threading.Lock()
        self._nodes: dict[str, _Node] = {}
        self._starting: dict[Any, _Starting] = {}  # hello's ObjectRef -> the actor it asks
        self._refused: dict[str, str] = {}  # node id -> "ADDRESS: why"
        self._restarts: Counter[str] = Counter()
        self._isolation: dict[str, dict[str, str]] = {}  # node id -> its sandbox's
        self._looked = 0.0
        self._started = False
        self._closed = False

    # -- nodes -----------------------------------------------------------------------------

    def _ensure_started(self) -> None:
        """Start a grader on every node and wait for them; refuse the cluster if none can.

        Raises:
            BadConfig: no node of the cluster can grade (each one's reason is named).
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the executor is closed")
            if self._started:
                return
            self._started = True
            self._discover()
            deadline = time.monotonic() + self.start_timeout_s
            while self._starting and time.monotonic() < deadline:
                ready, _ = self._ray.wait(
                    list(self._starting), num_returns=1, timeout=deadline - time.monotonic()
                )
                for ref in ready:
                    self._greet(ref)
            self._refuse_slow_starts(deadline)
            if not self._nodes:
                reasons = "; ".join(self._refused.values()) or "the cluster has no node with a CPU"
                raise BadConfig(f"{_WHO}: no node of the Ray cluster can grade: {reasons}")

    def _refuse_slow_starts(self, now: float) -> None:
        """Refuse the nodes whose grader has not started `start_timeout_s` before `now`.

        A grader placed on a node that died before it started never answers: without this,
        a run waiting for it would wait for ever (the lock is held).
        """
        for ref, starting in list(self._starting.items()):
            if now - starting.since < self.start_timeout_s:
                continue
            self._starting.pop(ref)
            self._kill(starting.actor)
            self._refused[starting.node_id] = (
                f"{starting.address}: its grader did not start in {self.start_timeout_s:g} s "
                f"(are its {starting.workers} CPUs taken by other Ray work, or is the node gone?)"
            )

    def _discover(self) -> None:
        """Start a grader on each live node with a CPU that has none (the lock is held)."""
        self._looked = time.monotonic()
        known = {s.node_id for s in self._starting.values()} | set(self._nodes) | set(self._refused)
        for node in self._ray.nodes():
            cpus = int(node.get("Resources", {}).get("CPU", 0))
            node_id = node["NodeID"]
            if not node.get("Alive") or cpus < 1 or node_id in known:
                continue
            where = f"{node.get('NodeManagerAddress', '?')} (node {node_id[:8]})"
            if self.workers and self.workers > cpus:
                self._refused[node_id] = (
                    f"{where}: workers={self.workers}, but the node declares {cpus} CPU(s) to Ray"
                )
                continue
            self._start_on(node_id, where, cpus)

    def _start_on(self, node_id: str, address: str, cpus: int) -> None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        workers = self.workers or cpus
        actor = (
            self._ray.remote(NodeGrader)
            .options(
                num_cpus=workers,
                max_concurrency=_BATCHES_PER_NODE,
                max_restarts=0,
                scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
            )
            .remote({**self._options, "workers": workers})
        )
        self._starting[actor.hello.remote()] = _Starting(node_id, address, actor, workers)

    def _greet(self, ref: Any) -> None:
        """A grader answered (or died starting): use its node, or refuse it with the reason."""
        starting = self._starting.pop(ref)
        where = starting.address
        try:
            hello = self._ray.get(ref)
        except self._ray.exceptions.RayError as exc:
            self._refused[starting.node_id] = f"{where}: its grader did not start: {_short(exc)}"
            return
        problem = hello["problem"]
        if hello["version"] != __version__ or hello["python"] != platform.python_version():
            problem = (
                f"it runs codeeval {hello['version']} on Python {hello['python']}, the driver "
                f"codeeval {__version__} on Python {platform.python_version()}: install the "
                "same on every node, so that verdicts do not depend on where a job ran"
            )
        if problem:
            self._kill(starting.actor)
            self._refused[starting.node_id] = f"{where}: {problem}"
            return
        self._isolation[starting.node_id] = hello["isolation"]
        batch = self.batch_size or _JOBS_PER_WORKER * starting.workers
        self._nodes[starting.node_id] = _Node(
            starting.node_id,
            where,
            starting.actor,
            starting.workers,
            batch,
            hello["pid"],
            fixed=self.batch_size is not None,
        )

    def _lose(self, node: _Node, why: str) -> None:
        """A node's grader died: forget it, and start another there if the node lives on."""
        if self._nodes.get(node.node_id) is not node:
            return  # already replaced
        del self._nodes[node.node_id]
        self._kill(node.actor)
        self._restarts[node.node_id] += 1
        alive = {n["NodeID"]: n for n in self._ray.nodes() if n.get("Alive")}
        here = alive.get(node.node_id)
        if here is None:
            return  # the node is gone; a node that joins later is found by `_discover`
        if self._restarts[node.node_id] > _RESTARTS_PER_NODE:
            self._refused[node.node_id] = (
                f"{node.address}: its grader died {self._restarts[node.node_id]} times "
                f"(last: {why})"
            )
            return
        self._start_on(node.node_id, node.address, node.workers)

    def _kill(self, actor: Any) -> None:
        try:
            self._ray.kill(actor, no_restart=True)
        except Exception:  # noqa: S110 - already gone, or the cluster is
            pass

    # -- the Executor protocol -----------------------------------------------------------

    @property
    def isolation(self) -> dict[str, str]:
        """Each protection as the nodes' sandboxes report it, plus the nodes used and refused.

        A protection every node reports alike has that value; one that differs lists each
        node's. Starts a grader on every node if none runs yet.
        """
        self._ensure_started()
        with self._lock:
            by_node = {node.address: self._isolation[node.node_id] for node in self._nodes.values()}
            merged = _merge(by_node)
            merged["ray_nodes"] = "on: " + ", ".join(
                f"{node.address} ({node.workers} workers)" for node in self._nodes.values()
            )
            if self._refused:
                merged["ray_refused_nodes"] = "; ".join(self._refused.values())
            return merged

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        """Grade `jobs` on the cluster's nodes; yield one result per job as each completes.

        Raises:
            BadConfig: no node of the cluster can grade.
        """
        self._ensure_started()
        return self._run(jobs)

    def _run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        ray = self._ray
        feed = _Feed(jobs, self._room())
        retry: deque[_Attempt] = deque()
        in_flight: dict[Any, tuple[_Node, list[_Attempt]]] = {}
        no_node_since: float | None = None
        try:
            while True:
                with self._lock:
                    if time.monotonic() - self._looked > _REDISCOVER_S:
                        self._discover()
                    self._dispatch(feed, retry, in_flight)
                    self._refuse_slow_starts(time.monotonic())
                    starting = list(self._starting)
                    room_left = any(n.in_flight < _BATCHES_PER_NODE for n in self._nodes.values())
                    have_nodes = bool(self._nodes)
                if feed.error is not None:
                    raise feed.error
                if not in_flight and not retry and feed.exhausted():
                    return
                if not in_flight and not starting:
                    if have_nodes:  # idle: wait for the next job
                        feed.wait(_REDISCOVER_S)
                        continue
                    no_node_since = no_node_since or time.monotonic()
                    if time.monotonic() - no_node_since > self.start_timeout_s:
                        raise RuntimeError(
                            f"{_WHO}: no node of the Ray cluster is left to grade on: "
                            + ("; ".join(self._refused.values()) or "every node is gone")
                        )
                    time.sleep(0.5)
                    with self._lock:
                        self._discover()
                    continue
                no_node_since = None
                # Wake early only while a job that could go out at once may be read meanwhile.
                timeout = max(0.0, _REDISCOVER_S - (time.monotonic() - self._looked))
                if room_left and not feed.finished and not feed.waiting():
                    timeout = min(timeout, _POLL_S)
                ready, _ = ray.wait([*in_flight, *starting], num_returns=1, timeout=timeout)
                for ref in ready:
                    if ref in in_flight:
                        node, batch = in_flight.pop(ref)
                        results = self._collect(ref, node, batch, retry)
                        yield from results
                        feed.done_with(len(results), self._room())
                    else:
                        with self._lock:
                            self._greet(ref)
        finally:
            feed.stop()
            with self._lock:  # batches still out finish on their nodes, unread
                for node, _ in in_flight.values():
                    node.in_flight -= 1

    def _room(self) -> int:
        """Jobs to read ahead: what the nodes' batches in flight hold, and one batch more."""
        with self._lock:
            sizes = [n.batch_size for n in self._nodes.values()]
        return max(1, sum(sizes) * _BATCHES_PER_NODE + max(sizes, default=1))

    def _dispatch(
        self,
        feed: _Feed,
        retry: deque[_Attempt],
        in_flight: dict[Any, tuple[_Node, list[_Attempt]]],
    ) -> None:
        """Send batches to nodes with room: jobs to retry first, each alone (the lock is held)."""
        nodes = sorted(self._nodes.values(), key=lambda n: n.in_flight)
        for node in itertools.chain.from_iterable(itertools.repeat(nodes, _BATCHES_PER_NODE)):
            if node.in_flight >= _BATCHES_PER_NODE or self._nodes.get(node.node_id) is not node:
                continue
            batch = self._retry_for(node, retry)
            if not batch:
                share = math.ceil(feed.waiting() / max(1, len(nodes)))
                batch = [_Attempt(job) for job in feed.take(min(node.batch_size, max(1, share)))]
            if not batch:
                continue
            node.in_flight += 1
            in_flight[node.actor.grade.remote([a.job for a in batch])] = (node, batch)

    def _retry_for(self, node: _Node, retry: deque[_Attempt]) -> list[_Attempt]:
        """A job to send again to `node`: one that did not fail there, else any (if it must)."""
        for attempt in retry:
            if node.node_id not in attempt.avoid or attempt.avoid >= set(self._nodes):
                retry.remove(attempt)
                return [attempt]
        return []

    def _collect(
        self, ref: Any, node: _Node, batch: list[_Attempt], retry: deque[_Attempt]
    ) -> list[ExecResult]:
        """A batch came back: its results, or its jobs sent again (or given up) if it died."""
        ray = self._ray
        with self._lock:
            node.in_flight -= 1
        try:
            results, seconds = ray.get(ref)
        except ray.exceptions.RayTaskError as exc:  # the grader itself raised: a bug
            raise exc.as_instanceof_cause() from None
        except ray.exceptions.RayError as exc:  # the worker or its node died
            why = f"{node.address}: {_short(exc)}"
            with self._lock:
                self._lose(node, why)
            given_up = []
            for attempt in batch:
                attempt.failures.append(why)
                attempt.avoid.add(node.node_id)
                if len(attempt.failures) >= self.max_attempts:
                    given_up.append(_infra_error(attempt))
                else:
                    retry.append(attempt)
            return given_up
        with self._lock:
            node.took(len(batch), seconds)
        by_id: dict[str, list[_Attempt]] = {}
        for attempt in batch:
            by_id.setdefault(attempt.job.id, []).append(attempt)
        kept = []
        for result in results:
            if by_id.get(result.job_id):
                by_id[result.job_id].pop()
                kept.append(result)
        for left in itertools.chain.from_iterable(by_id.values()):  # never: one result per job
            left.failures.append(f"{node.address}: no result came back")
            kept.append(_infra_error(left))
        return kept

    def close(self) -> None:
        """Stop every node's grader (their zygotes go with them) and let go of the cluster."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            actors = [n.actor for n in self._nodes.values()]
            actors += [s.actor for s in self._starting.values()]
            self._nodes.clear()
            self._starting.clear()
        for actor in actors:
            self._kill(actor)
        cluster.disconnect()

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _infra_error(attempt: _Attempt) -> ExecResult:
    tries = len(attempt.failures)
    return ExecResult(
        job_id=attempt.job.id,
        status=Status.INFRA_ERROR,
        message=(
            f"not graded: the worker grading it died {tries} time(s), last on "
            f"{attempt.failures[-1]}; this says nothing about the program (grade it again, "
            "e.g. with --resume)"
        )[:1000],
    )


def _short(exc: BaseException) -> str:
    """The first line of a Ray error, which can run to a page."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[0][:300] if lines else ''}"


def _merge(by_node: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """One isolation report from each node's: equal values once, differing ones per node."""
    merged: dict[str, str] = {}
    keys = dict.fromkeys(key for report in by_node.values() for key in report)
    for key in keys:
        values = {node: report.get(key, "off: not reported") for node, report in by_node.items()}
        distinct = set(values.values())
        if len(distinct) == 1:
            merged[key] = distinct.pop()
        else:
            merged[key] = "; ".join(f"{node}: {value}" for node, value in values.items())
    return merged


EXECUTOR = RayExecutor
