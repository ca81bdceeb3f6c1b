"""Task preparation: run each reference once in the sandbox, then derive limits and cases.

For each task the reference solution runs against its own tests on this machine, in this
run; its slowest test (CPU time) sets the per-test limit (`time_limit_s`, the one formula,
`max(min_time_limit_s, time_factor x reference time)`). The differential cases get their
inputs from the task's `generate(size, rng)` (`codeeval.task.inputs`: trusted code, run here
with fixed seeds) and their expected outputs from the reference's sandboxed run.

The timing inputs (every family of `inputs.py` at every `[complexity]` size) are generated
here too, once per task, and encoded once; the reference is timed on them in the same run
(`codeeval.sandbox._timing`), which fixes, for every candidate, the sizes it is timed at
(those the reference reached within the budget), the fingerprint its results must match and
the times its efficiency is measured against.

`run`, `grade` and `tasks check` all prepare tasks here and grade with `PreparedTask.job`.
A task whose reference fails is reported (`ok=False`, `problem`), never raised, so the
runner can skip it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from codeeval.sandbox import CodecError, Executor, encode_arguments
from codeeval.task.folder import MAX_TIME_LIMIT_S
from codeeval.task.inputs import differential_arguments, timing_arguments
from codeeval.types import (
    Case,
    ExecJob,
    ExecLimits,
    ExecResult,
    Status,
    Task,
    TimingFamily,
    TimingPlan,
    TimingPoint,
    TimingResult,
)

REFERENCE_TIME_LIMIT_S = 60.0  # generous: the reference is trusted to finish
DEFAULT_COMPLEXITY_BUDGET_S = 3.0  # CPU seconds of timing per passing sample (and reference)


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
    timing: TimingPlan | None = field(default=None, compare=False)
    reference_result: ExecResult | None = field(default=None, compare=False)
    # Why a sample of this task gets no time complexity ("" when it does).
    timing_note: str = ""

    @property
    def reference_timing(self) -> TimingResult | None:
        """What the reference's timing measured here, in this run (efficiency's baseline)."""
        return self.reference_result.timing if self.reference_result is not None else None

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
            timing=self.timing,
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


def build_inputs(task: Task) -> tuple[tuple[Case, ...], tuple[TimingFamily, ...]]:
    """The differential cases (expected outputs still unknown) and the timing families.

    Each timing input is encoded once here (`codeeval.sandbox.encode_arguments`); the child
    decodes a fresh copy whenever it needs one.

    Raises:
        Exception: whatever the task's generators raise (`GeneratorError` names the family
            and size), CodecError for a timing input that is not plain data.
    """
    if task.inputs is None or (task.differential is None and not task.complexity_sizes):
        return (), ()
    cases = tuple(
        Case(f"differential_{index:03d}_n{size}", args, None)
        for index, (size, args) in enumerate(differential_arguments(task))
    )
    families = []
    for family, points in timing_arguments(task):
        encoded = []
        for size, args in points:
            try:
                encoded.append(TimingPoint(size, *encode_arguments(args)))
            except CodecError as exc:
                raise CodecError(f"{family} input at size {size}: {exc}") from None
        families.append(TimingFamily(family, tuple(encoded)))
    return cases, tuple(families)


def untimed_reason(task: Task) -> str:
    """Why `task`'s samples get no time complexity, or "" when they are timed."""
    if task.inputs is None:
        return "the task has no input generator (inputs.py)"
    if not task.complexity_sizes:
        return "the task has no [complexity] sizes"
    return ""


def candidate_plan(
    families: tuple[TimingFamily, ...], timed: TimingResult | None, budget_s: float
) -> tuple[TimingPlan | None, str]:
    """The plan a candidate is timed with, from what the reference's timing measured.

    Each family keeps the sizes the reference measured, with the reference's result
    fingerprint and input-delivery CPU there; (None, why) when the reference measured none.
    """
    if timed is None:
        return None, "the reference solution was not timed"
    measured = {f.family: f for f in timed.families}
    planned = []
    for family in families:
        done = {p.size: p for p in measured[family.name].points} if family.name in measured else {}
        points = tuple(
            replace(
                spec, expected=done[spec.size].fingerprint, reference_put_s=done[spec.size].put_s
            )
            for spec in family.points
            if spec.size in done and done[spec.size].fingerprint is not None
        )
        if points:
            planned.append(TimingFamily(family.name, points))
    if not planned:
        why = "; ".join(f"{f.family}: {f.stopped}" for f in timed.families if f.stopped)
        return None, "the reference solution could not be timed" + (f" ({why})" if why else "")
    return TimingPlan(tuple(planned), budget_s), ""


def time_limit_s(reference_s: float, time_factor: float, min_time_limit_s: float) -> float:
    """The per-test time limit of a candidate; `run`, `grade` and `tasks check` all use it.

    `max(min_time_limit_s, time_factor x reference_s)`, rounded to the millisecond and at most
    `MAX_TIME_LIMIT_S`, where `reference_s` is the CPU time of the reference's slowest test on
    this machine. The cap holds whatever the floor and factor came from (a flag, a benchmark's
    own tasks), so no candidate's loop runs longer than it per test.
    """
    return min(MAX_TIME_LIMIT_S, round(max(min_time_limit_s, time_factor * reference_s), 3))


def _reference_time(result: ExecResult) -> float:
    return max((case.duration_s for case in result.cases), default=0.0)


@dataclass(frozen=True, slots=True)
class ReferenceRun:
    """A task's reference job, to be run once; `finish` turns its result into a PreparedTask."""

    task: Task
    job: ExecJob
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
                task,
                False,
                problem + result.message,
                floor,
                replace(limits, time_limit_s=floor),
                tests,
                reference_result=result,
            )
        time_limit = time_limit_s(_reference_time(result), self.time_factor, floor)
        cases = tuple(
            Case(case.name, case.args, output)
            for case, output in zip(self.job.cases, result.outputs, strict=True)
        )
        limits = replace(limits, time_limit_s=time_limit)
        plan, note = None, untimed_reason(task)
        if self.job.timing is not None:
            plan, note = candidate_plan(
                self.job.timing.families, result.timing, self.job.timing.budget_s
            )
        return PreparedTask(
            task, True, "", time_limit, limits, tests, cases, plan, result, timing_note=note
        )


def plan_reference(
    task: Task,
    *,
    time_factor: float | None = None,
    min_time_limit_s: float | None = None,
    memory_mb: int | None = None,
    complexity_budget_s: float | None = None,
) -> ReferenceRun | PreparedTask:
    """The reference run of `task`, or (when its inputs cannot be generated) a failed task."""
    factor = time_factor or task.limits.time_factor
    floor = min(MAX_TIME_LIMIT_S, min_time_limit_s or task.limits.min_time_limit_s)
    budget = complexity_budget_s or DEFAULT_COMPLEXITY_BUDGET_S
    limits = ExecLimits(
        time_limit_s=REFERENCE_TIME_LIMIT_S, memory_mb=memory_mb or task.limits.memory_mb
    )
    try:
        cases, families = build_inputs(task)
    except Exception as exc:
        problem = f"its input generator failed: {type(exc).__name__}: {exc}"
        floor_limits = replace(limits, time_limit_s=floor)
        return PreparedTask(task, False, problem, floor, floor_limits, trusted_tests(task))
    job = ExecJob(
        id=f"reference:{task.id}",
        code=task.reference,
        entry_point=task.entry_point,
        tests=trusted_tests(task),
        limits=limits,
        cases=cases,
        collect_outputs=True,
        timing=TimingPlan(families, budget, reference=True) if families else None,
    )
    return ReferenceRun(task, job, factor, floor)


def prepare_tasks(
    tasks: Iterable[Task],
    executor: Executor,
    *,
    time_factor: float | None = None,
    min_time_limit_s: float | None = None,
    memory_mb: int | None = None,
    complexity_budget_s: float | None = None,
) -> dict[str, PreparedTask]:
    """Run every task's reference once in `executor` and prepare its limits and cases.

    Arguments override the task's own `limits`; `complexity_budget_s` is the CPU time the
    timing of one passing sample (and of each reference) may take (default 3 s). Never raises
    for a bad task: its `PreparedTask` has `ok=False` and `problem` says why.
    """
    tasks = list(tasks)
    prepared: dict[str, PreparedTask] = {}
    runs: dict[str, ReferenceRun] = {}
    for task in tasks:
        plan = plan_reference(
            task,
            time_factor=time_factor,
            min_time_limit_s=min_time_limit_s,
            memory_mb=memory_mb,
            complexity_budget_s=complexity_budget_s,
        )
        if isinstance(plan, PreparedTask):
            prepared[task.id] = plan
        else:
            runs[plan.job.id] = plan
    for result in answered(executor, [run.job for run in runs.values()]):
        run = runs[result.job_id]
        prepared[run.task.id] = run.finish(result)
    return {task.id: prepared[task.id] for task in tasks}


def answered(executor: Executor, jobs: list[ExecJob]) -> Iterator[ExecResult]:
    """Results of `jobs` as they complete; a job the executor never answered counts as killed."""
    seen = set()
    if jobs:
        for result in executor.run(jobs):
            seen.add(result.job_id)
            yield result
    for job in jobs:
        if job.id not in seen:
            yield ExecResult(job.id, Status.KILLED, message="the executor returned no result")


def limits_summary(prepared: Mapping[str, PreparedTask]) -> str:
    """One line: how many tasks are usable and the range of their time limits."""
    usable = [p for p in prepared.values() if p.ok]
    if not usable:
        return f"0 of {len(prepared)} tasks usable"
    low = min(p.time_limit_s for p in usable)
    high = max(p.time_limit_s for p in usable)
    spread = f"{low:g} s" if math.isclose(low, high) else f"{low:g}-{high:g} s"
    return f"{len(usable)} of {len(prepared)} tasks usable; time limit per test {spread}"
