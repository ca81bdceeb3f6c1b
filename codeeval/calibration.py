"""Task preparation: run each reference once in the sandbox, then derive limits and cases.

For each task the reference solution runs against its own tests on this machine, in this
run; its slowest test (CPU time) sets the per-test limit,
`max(min_time_limit_s, time_factor x reference time)`. The differential cases get their
inputs from the task's `generate(size, rng)` (trusted code, run here with a seeded
`random.Random`) and their expected outputs from the reference's sandboxed run. A task whose
reference fails is reported (`ok=False`, `problem`), never raised, so the runner can skip it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from codeeval.sandbox import Executor
from codeeval.taskinputs import differential_arguments
from codeeval.types import Case, ExecJob, ExecLimits, ExecResult, Status, Task

REFERENCE_TIME_LIMIT_S = 60.0  # generous: the reference is trusted to finish
DEFAULT_SEED = 20240601


@dataclass(frozen=True, slots=True)
class PreparedTask:
    """A task ready to grade samples: its limits, tests and cases measured on this machine."""

    task: Task
    ok: bool
    problem: str
    time_limit_s: float
    limits: ExecLimits
    tests: str
    cases: tuple[Case, ...] = ()
    timing_args: tuple[tuple[int, tuple[Any, ...]], ...] = ()
    reference_result: ExecResult | None = field(default=None, compare=False)

    def job(self, code: str, job_id: str) -> ExecJob:
        """The job grading `code` for this task.

        For a completion-style task the task's code prefix (the prompt) is put in front of
        `code`, unless `code` already starts with it: a continuation then completes the
        prompt's function, and a whole function simply redefines it.
        """
        return ExecJob(
            id=job_id,
            code=program(self.task, code),
            entry_point=self.task.entry_point,
            tests=self.tests,
            limits=self.limits,
            cases=self.cases,
            timing_args=self.timing_args,
            float_for_int=bool(self.task.differential and self.task.differential.float_for_int),
        )


def program(task: Task, code: str) -> str:
    """The program to run for `code`: the task's code prefix, then the code."""
    prefix = task.code_prefix
    if not prefix or code.startswith(prefix):
        return code
    return prefix if not code.strip() else prefix + ("" if prefix.endswith("\n") else "\n") + code


def trusted_tests(task: Task) -> str:
    """The task's tests, after the code prefix when it compiles (HumanEval's helpers live there)."""
    if task.code_prefix:
        try:
            compile(task.code_prefix, "<prefix>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return task.tests
        return f"{task.code_prefix}\n\n{task.tests}"
    return task.tests


def _generator(task: Task) -> Callable[[int, random.Random], Any]:
    namespace: dict[str, Any] = {"__name__": f"codeeval_inputs_{task.id}"}
    exec(compile(task.inputs or "", f"{task.source or task.id}/inputs.py", "exec"), namespace)
    return namespace["generate"]  # type: ignore[no-any-return]


def _arguments(
    generate: Callable[[int, random.Random], Any], size: int, rng: random.Random
) -> tuple[Any, ...]:
    return _checked_arguments(generate(size, rng))


def _checked_arguments(args: Any) -> tuple[Any, ...]:
    if not isinstance(args, tuple | list):
        raise TypeError(f"generate() must return a tuple of arguments, not {type(args).__name__}")
    return tuple(args)


TimingArgs = tuple[tuple[int, tuple[Any, ...]], ...]


def build_inputs(task: Task) -> tuple[tuple[Case, ...], TimingArgs]:
    """The differential cases (expected outputs still unknown) and the timing arguments.

    Raises:
        Exception: whatever the task's `generate` raises (the caller reports it).
    """
    spec = task.differential
    if task.inputs is None or (spec is None and not task.complexity_sizes):
        return (), ()
    generate = _generator(task)
    # The same inputs `tasks check` verified (codeeval.taskinputs fixes each case's seed).
    cases = [
        Case(f"differential_{index:03d}_n{size}", _checked_arguments(args), None)
        for index, (size, args) in enumerate(differential_arguments(task))
    ]
    seed = spec.seed if spec is not None else DEFAULT_SEED
    timing = tuple(
        (size, _arguments(generate, size, random.Random(seed * 1_000_003 + size)))
        for size in task.complexity_sizes
    )
    return tuple(cases), timing


def _reference_time(result: ExecResult) -> float:
    return max((case.duration_s for case in result.cases), default=0.0)


@dataclass(frozen=True, slots=True)
class ReferenceRun:
    """A task's reference job, to be run once; `finish` turns its result into a PreparedTask."""

    task: Task
    job: ExecJob
    timing_args: tuple[tuple[int, tuple[Any, ...]], ...]
    time_factor: float
    min_time_limit_s: float

    def finish(self, result: ExecResult) -> PreparedTask:
        """The prepared task, given the result of `job`."""
        task, limits, floor, tests = (
            self.task,
            self.job.limits,
            self.min_time_limit_s,
            self.job.tests,
        )
        if result.status is not Status.PASSED:
            problem = f"its reference solution does not pass its own tests ({result.status}): "
            return PreparedTask(
                task, False, problem + result.message, floor, limits, tests, reference_result=result
            )
        time_limit = round(max(floor, self.time_factor * _reference_time(result)), 3)
        cases = tuple(
            Case(case.name, case.args, output)
            for case, output in zip(self.job.cases, result.outputs, strict=True)
        )
        limits = ExecLimits(
            time_limit_s=time_limit,
            memory_mb=limits.memory_mb,
            output_bytes=limits.output_bytes,
            processes=limits.processes,
        )
        return PreparedTask(
            task, True, "", time_limit, limits, tests, cases, self.timing_args, result
        )


def plan_reference(
    task: Task,
    *,
    time_factor: float | None = None,
    min_time_limit_s: float | None = None,
    memory_mb: int | None = None,
) -> ReferenceRun | PreparedTask:
    """The reference run of `task`, or (when its inputs cannot be generated) a failed task."""
    factor = time_factor or task.limits.time_factor
    floor = min_time_limit_s or task.limits.min_time_limit_s
    limits = ExecLimits(
        time_limit_s=REFERENCE_TIME_LIMIT_S, memory_mb=memory_mb or task.limits.memory_mb
    )
    try:
        cases, timing = build_inputs(task)
    except Exception as exc:
        problem = f"its input generator failed: {type(exc).__name__}: {exc}"
        return PreparedTask(task, False, problem, floor, limits, trusted_tests(task))
    job = ExecJob(
        id=f"reference:{task.id}",
        code=task.reference,
        entry_point=task.entry_point,
        tests=trusted_tests(task),
        limits=limits,
        cases=cases,
        collect_outputs=True,
    )
    return ReferenceRun(task, job, timing, factor, floor)


def prepare_tasks(
    tasks: Iterable[Task],
    executor: Executor,
    *,
    time_factor: float | None = None,
    min_time_limit_s: float | None = None,
    memory_mb: int | None = None,
) -> dict[str, PreparedTask]:
    """Run every task's reference once in `executor` and prepare its limits and cases.

    Arguments override the task's own `limits`. Never raises for a bad task: its
    `PreparedTask` has `ok=False` and `problem` says why.
    """
    tasks = list(tasks)
    prepared: dict[str, PreparedTask] = {}
    runs: dict[str, ReferenceRun] = {}
    for task in tasks:
        plan = plan_reference(
            task, time_factor=time_factor, min_time_limit_s=min_time_limit_s, memory_mb=memory_mb
        )
        if isinstance(plan, PreparedTask):
            prepared[task.id] = plan
        else:
            runs[plan.job.id] = plan
    for result in executor.run(run.job for run in runs.values()):
        run = runs[result.job_id]
        prepared[run.task.id] = run.finish(result)
    return {task.id: prepared[task.id] for task in tasks}


def limits_summary(prepared: Mapping[str, PreparedTask]) -> str:
    """One line: how many tasks are usable and the range of their time limits."""
    usable = [p for p in prepared.values() if p.ok]
    if not usable:
        return f"0 of {len(prepared)} tasks usable"
    low = min(p.time_limit_s for p in usable)
    high = max(p.time_limit_s for p in usable)
    spread = f"{low:g} s" if math.isclose(low, high) else f"{low:g}-{high:g} s"
    return f"{len(usable)} of {len(prepared)} tasks usable; time limit per test {spread}"
