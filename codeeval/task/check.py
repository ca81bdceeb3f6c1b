"""Proves tasks sound: the reference passes, every mutant is caught, the generator is valid.

Everything that runs a task's reference or mutants goes through the `Executor` protocol as
`ExecJob`s. Per program two jobs run: the task's hand-written `tests.py`, and generated tests
(`test_differential_*`, `test_runs_at_size_*`) that rebuild inputs with the task's `inputs.py`
on the trusted side and compare the program's output with the reference's own output there.
The generator itself is trusted task code, so its checks (`codeeval.task.inputs`) run in this
process.

A task's mutants are broken copies of its reference kept in `<task folder>/mutants/*.py`; they
are not task files, so they do not change the task's content hash.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from codeeval.sandbox import Executor
from codeeval.task.folder import MUTANTS_DIR, Mutant, load_mutants
from codeeval.task.inputs import check_generator, generated_tests
from codeeval.types import CaseResult, ExecJob, ExecLimits, ExecResult, Status, Task

MIN_MUTANTS = 3
REFERENCE_TIME_LIMIT_S = 30.0


@dataclass(frozen=True, slots=True)
class MutantVerdict:
    """What the task's tests did to one mutant: `caught_by` names the tests that failed it."""

    name: str
    description: str
    status: Status
    caught_by: tuple[str, ...]

    @property
    def caught(self) -> bool:
        """True when at least one test (or the program as a whole) failed."""
        return bool(self.caught_by)


@dataclass(frozen=True, slots=True)
class TaskCheck:
    """The soundness verdict on one task, for `python -m codeeval tasks check`."""

    task_id: str
    reference_status: Status
    reference_cases: tuple[CaseResult, ...]
    reference_message: str = ""
    generator_problems: tuple[str, ...] = ()
    mutant_problems: tuple[str, ...] = ()
    mutants: tuple[MutantVerdict, ...] = ()
    warnings: tuple[str, ...] = ()
    duration_s: float = 0.0

    @property
    def problems(self) -> tuple[str, ...]:
        """One line per reason the task is unsound; empty when it is sound."""
        found = [
            f"reference fails {case.name}: {case.status}"
            + (f": {case.message}" if case.message else "")
            for case in self.reference_cases
            if case.status is not Status.PASSED
        ]
        if self.reference_status is not Status.PASSED and not found:
            found.append(
                f"reference ends with status {self.reference_status}"
                + (f": {self.reference_message}" if self.reference_message else "")
            )
        found += self.generator_problems
        found += self.mutant_problems
        found += [
            f"mutant {m.name} survives every test"
            + (f" ({m.description})" if m.description else "")
            for m in self.mutants
            if not m.caught
        ]
        return tuple(found)

    @property
    def ok(self) -> bool:
        """True when the reference passes, every mutant is caught and the generator is valid."""
        return not self.problems

    @property
    def hand_written_tests(self) -> int:
        """How many of the task's own tests ran on the reference."""
        return sum(1 for case in self.reference_cases if not _is_generated(case.name))

    @property
    def generated_tests(self) -> int:
        """How many generated (differential and size) tests ran on the reference."""
        return sum(1 for case in self.reference_cases if _is_generated(case.name))


def check_task(
    task: Task, executor: Executor, *, reference_time_limit_s: float = REFERENCE_TIME_LIMIT_S
) -> TaskCheck:
    """Prove one task sound; see `check_tasks`."""
    return next(check_tasks([task], executor, reference_time_limit_s=reference_time_limit_s))


def check_tasks(
    tasks: Sequence[Task],
    executor: Executor,
    *,
    reference_time_limit_s: float = REFERENCE_TIME_LIMIT_S,
) -> Iterator[TaskCheck]:
    """Prove tasks sound, yielding one `TaskCheck` per task as soon as it is decided.

    References run first, all tasks in one batch; then the mutants of every task whose
    reference passed, in a second batch, each test limited to
    max(task.limits.min_time_limit_s, task.limits.time_factor x the reference's slowest test),
    as the runner limits a candidate. A mutant is caught when any test fails on it or the
    program as a whole does not pass (syntax error, timeout, crash on import).
    """
    started = time.monotonic()
    plans = [_Plan(task, f"{index}") for index, task in enumerate(tasks)]
    reference_jobs = [job for plan in plans for job in plan.reference_jobs(reference_time_limit_s)]
    owner = {job.id: plan for plan in plans for job in plan.submitted}
    for result in _stream(executor, reference_jobs):
        owner[result.job_id].record(result)
    mutant_jobs: list[ExecJob] = []
    for plan in plans:
        jobs = plan.mutant_jobs()
        if not jobs:
            yield plan.verdict(time.monotonic() - started)
        mutant_jobs += jobs
        owner.update((job.id, plan) for job in jobs)
    for result in _stream(executor, mutant_jobs):
        plan = owner[result.job_id]
        plan.record(result)
        if plan.finished:
            yield plan.verdict(time.monotonic() - started)


class _Plan:
    """One task's check: the jobs submitted for it and the results collected so far."""

    def __init__(self, task: Task, key: str) -> None:
        self.task = task
        self.key = key  # unique among the tasks checked together, whatever their ids
        loaded = load_mutants(task)
        unusable = _unusable_mutants(task, loaded)
        self.mutant_problems = (*_missing_mutants(task, loaded), *unusable.values())
        self.mutants = [mutant for mutant in loaded if mutant.name not in unusable]
        self.generator_problems = check_generator(task)
        self.submitted: list[ExecJob] = []
        self.program_of: dict[str, str] = {}
        self.results: dict[str, list[ExecResult]] = defaultdict(list)

    def _jobs(self, program: str, code: str, time_limit_s: float, sizes: bool) -> list[ExecJob]:
        limits = ExecLimits(time_limit_s=time_limit_s, memory_mb=self.task.limits.memory_mb)
        prefix = f"{self.key}:{self.task.id}:{program}:"
        entry, tests = self.task.entry_point, self.task.tests
        jobs = [ExecJob(prefix + "tests", code, entry, tests, limits)]
        generated = None if self.generator_problems else generated_tests(self.task, sizes=sizes)
        if generated:
            jobs.append(ExecJob(prefix + "generated", code, entry, generated, limits))
        self.submitted += jobs
        self.program_of.update((job.id, program) for job in jobs)
        return jobs

    def reference_jobs(self, time_limit_s: float) -> list[ExecJob]:
        return self._jobs("reference", self.task.reference, time_limit_s, sizes=True)

    def mutant_jobs(self) -> list[ExecJob]:
        """The mutants' jobs, or none when the reference or the generator is not sound."""
        if not self.reference_passed or self.generator_problems:
            return []
        limits = self.task.limits
        limit = max(limits.min_time_limit_s, limits.time_factor * self._slowest_reference_s())
        return [
            job
            for mutant in self.mutants
            for job in self._jobs(f"mutant:{mutant.name}", mutant.code, limit, sizes=False)
        ]

    def record(self, result: ExecResult) -> None:
        self.results[self.program_of[result.job_id]].append(result)

    @property
    def finished(self) -> bool:
        return sum(len(results) for results in self.results.values()) == len(self.submitted)

    @property
    def reference_passed(self) -> bool:
        results = self.results["reference"]
        return bool(results) and all(r.status is Status.PASSED for r in results)

    def _slowest_reference_s(self) -> float:
        durations = [
            case.duration_s
            for result in self.results["reference"]
            for case in result.cases
            if not case.name.startswith("test_runs_at_size_")
        ]
        return max(durations, default=0.0)

    def verdict(self, duration_s: float) -> TaskCheck:
        reference = self.results["reference"]
        failed = next((r for r in reference if r.status is not Status.PASSED), None)
        return TaskCheck(
            task_id=self.task.id,
            reference_status=failed.status if failed else Status.PASSED,
            reference_cases=tuple(case for result in reference for case in result.cases),
            reference_message=failed.message if failed else "",
            generator_problems=self.generator_problems,
            mutant_problems=self.mutant_problems,
            mutants=tuple(
                _mutant_verdict(mutant, self.results[f"mutant:{mutant.name}"])
                for mutant in self.mutants
                if self.results[f"mutant:{mutant.name}"]
            ),
            warnings=self._warnings(),
            duration_s=duration_s,
        )

    def _warnings(self) -> tuple[str, ...]:
        found = []
        folder = Path(self.task.source) if self.task.source else None
        if folder is not None and folder.is_dir() and 0 < len(self.mutants) < MIN_MUTANTS:
            found.append(
                f"{len(self.mutants)} mutant(s); add at least {MIN_MUTANTS} broken copies of "
                f"solution.py under {folder / MUTANTS_DIR}"
            )
        if self.task.inputs is None:
            found.append("no input generator (inputs.py): no differential tests, no timing curve")
        elif not self.task.differential:
            found.append("no [differential] section: inputs.py feeds no differential test")
        return tuple(found)


def _missing_mutants(task: Task, mutants: Sequence[Mutant]) -> tuple[str, ...]:
    """A task folder with no mutant: nothing shows that its tests catch a broken copy."""
    folder = Path(task.source) if task.source else None
    if folder is None or not folder.is_dir() or mutants:
        return ()
    return (
        f"no mutants: add at least {MIN_MUTANTS} broken copies of solution.py under "
        f"{folder / MUTANTS_DIR}, each of which some test must fail",
    )


def _unusable_mutants(task: Task, mutants: Sequence[Mutant]) -> dict[str, str]:
    """Mutants that prove nothing, by name, with the problem; the plan leaves them out.

    One that does not compile would be "caught" by any test; one equal to the reference
    cannot be caught at all.
    """
    found: dict[str, str] = {}
    for mutant in mutants:
        try:
            compile(mutant.code, f"{MUTANTS_DIR}/{mutant.name}.py", "exec")
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            where = f"line {line}: " if line else ""
            found[mutant.name] = (
                f"mutant {mutant.name} does not compile ({where}{getattr(exc, 'msg', exc)}); "
                "a mutant must be a runnable broken copy of solution.py"
            )
        else:
            if mutant.code.strip() == task.reference.strip():
                found[mutant.name] = f"mutant {mutant.name} is the reference unchanged"
    return found


def _mutant_verdict(mutant: Mutant, results: list[ExecResult]) -> MutantVerdict:
    caught = [case.name for r in results for case in r.cases if case.status is not Status.PASSED]
    failed = [r.status for r in results if r.status is not Status.PASSED]
    if failed and not caught:
        caught = [f"<program: {failed[0]}>"]
    status = failed[0] if failed else Status.PASSED
    return MutantVerdict(mutant.name, mutant.description, status, tuple(caught))


def _stream(executor: Executor, jobs: list[ExecJob]) -> Iterator[ExecResult]:
    """Results of `jobs` as they complete; a job the executor never answered counts as killed."""
    answered = set()
    if jobs:
        for result in executor.run(jobs):
            answered.add(result.job_id)
            yield result
    for job in jobs:
        if job.id not in answered:
            yield ExecResult(job.id, Status.KILLED, message="the executor returned no result")


def _is_generated(name: str) -> bool:
    return name.startswith(("test_differential_", "test_runs_at_size_"))
