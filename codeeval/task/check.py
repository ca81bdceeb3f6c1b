"""Proves tasks sound on the path that grades samples: reference, mutants, generator.

The reference must pass, every mutant must be caught and the generator must be valid:

1. The generator (`inputs.py`, trusted task code) is checked in this process
   (`codeeval.task.inputs.check_generator`).
2. The tasks are prepared exactly as `run` and `grade` prepare them
   (`codeeval.task.prepare.prepare_tasks`): the reference runs once in the sandbox on its
   hand-written tests and its differential cases, which sets the time limit and the cases'
   expected outputs.
3. The reference, then every mutant, is graded as a candidate is, with `PreparedTask.job`:
   the same tests, the same differential cases compared by the grader, the same limits and
   the timing of every input family. The reference must pass again (so its outputs are
   reproducible) and its timing must not stop but for the budget; each mutant must fail
   something, except a slow mutant (`# Complexity: O(n^2)` in its header), which must
   pass every test and be measured with the class it declares.

A task's mutants are broken copies of its reference kept in `<task folder>/mutants/*.py`; they
are not task files, so they do not change the task's content hash.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from codeeval.errors import BadConfig
from codeeval.sandbox import Executor
from codeeval.scoring import TimeComplexity, growth_class, judge_time_complexity
from codeeval.task.folder import MUTANTS_DIR, Mutant, load_mutants
from codeeval.task.inputs import check_generator
from codeeval.task.prepare import PreparedTask, answered, prepare_tasks
from codeeval.types import CaseResult, ExecJob, ExecResult, Status, Task

MIN_MUTANTS = 3
MIN_SIZES = 4  # as codeeval.scoring's fit needs
REFERENCE = "reference"
# Runs of a program whose timing disagrees with its declaration before that is a problem.
TIMING_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class MutantVerdict:
    """What the task's tests did to one mutant: `caught_by` names the tests that failed it.

    For a slow mutant, `expected` is the class it declares and `measured` the class its
    timing showed (or "inconclusive"/"n/a"), in input family `family`.
    """

    name: str
    description: str
    status: Status
    caught_by: tuple[str, ...]
    expected: str | None = None
    measured: str | None = None
    family: str | None = None
    note: str = ""

    @property
    def caught(self) -> bool:
        """True when at least one test (or the program as a whole) failed.

        A slow mutant is caught when it passes every test and is measured with the tier of
        the class it declares (`problem` is None).
        """
        if self.expected is not None:
            return self.problem is None
        return bool(self.caught_by)

    @property
    def problem(self) -> str | None:
        """Why this mutant shows a gap, one line; None when it is caught."""
        about = f" ({self.description})" if self.description else ""
        if self.expected is None:
            return None if self.caught_by else f"mutant {self.name} survives every test{about}"
        if self.caught_by:
            return (
                f"slow mutant {self.name} fails {self.caught_by[0]}: a slow mutant must be "
                "correct, only slow"
            )
        declared = growth_class(self.expected)
        if declared is None:
            return (
                f"slow mutant {self.name}: '# Complexity: {self.expected}' names no class the "
                "timings measure (O(1), O(log n), O(sqrt n), O(n), O(n log n), O(n^2), "
                "O(n^3), O(2^n))"
            )
        measured = growth_class(self.measured or "")
        if measured is None:
            why = f": {self.note}" if self.note else ""
            return (
                f"slow mutant {self.name} is not measured as {self.expected}: {self.measured}{why}"
            )
        if measured.tier != declared.tier:
            return (
                f"slow mutant {self.name} is measured {measured.label} ({self.family} inputs), "
                f"not {declared.label} as its '# Complexity' line says"
            )
        return None


@dataclass(frozen=True, slots=True)
class TaskCheck:
    """The soundness verdict on one task, for `python -m codeeval tasks check`.

    `reference_cases` are the reference's verdicts when graded as a candidate (or, when it
    failed while being prepared, from that run); `time_limit_s` is the per-test limit a
    candidate gets on this machine (0 when the reference failed).
    """

    task_id: str
    reference_status: Status
    reference_cases: tuple[CaseResult, ...]
    reference_message: str = ""
    reference_problems: tuple[str, ...] = ()
    generator_problems: tuple[str, ...] = ()
    mutant_problems: tuple[str, ...] = ()
    mutants: tuple[MutantVerdict, ...] = ()
    warnings: tuple[str, ...] = ()
    duration_s: float = 0.0
    time_limit_s: float = 0.0
    reference_complexity: str | None = None  # the reference's class, graded as a candidate
    reference_family: str | None = None

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
        found += self.reference_problems
        found += self.generator_problems
        found += self.mutant_problems
        found += [m.problem for m in self.mutants if m.problem is not None]
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
        """How many generated (differential) cases ran on the reference."""
        return sum(1 for case in self.reference_cases if _is_generated(case.name))


def check_task(task: Task, executor: Executor) -> TaskCheck:
    """Prove one task sound; see `check_tasks`."""
    return next(check_tasks([task], executor))


def check_tasks(tasks: Sequence[Task], executor: Executor) -> Iterator[TaskCheck]:
    """Prove tasks sound, yielding one `TaskCheck` per task as soon as it is decided.

    The references are prepared first, all tasks in one batch, as `run` prepares them; then
    the reference and the mutants of every task whose reference passed are graded in a second
    batch with the prepared jobs, so each test is limited to
    max(min_time_limit_s, time_factor x the reference's slowest test), as a candidate is. A
    mutant is caught when any test fails on it or the program as a whole does not pass
    (syntax error, timeout, crash on import). A program whose run the machine's load may
    have spoilt (`_PendingCheck.disputed`) is graded again, up to `TIMING_ATTEMPTS` runs in
    all, before its problem is reported; that task's verdict then comes after the others.

    Raises:
        BadConfig: two of `tasks` share an id.
    """
    started = time.monotonic()
    plans = [_PendingCheck(task, str(index)) for index, task in enumerate(tasks)]
    ids = [plan.task.id for plan in plans]
    repeated = next((task_id for task_id in ids if ids.count(task_id) > 1), None)
    if repeated is not None:
        raise BadConfig(f"two tasks share the id {repeated!r}; check them one at a time")
    prepared = prepare_tasks([plan.graded_task for plan in plans], executor)
    owner: dict[str, tuple[_PendingCheck, str]] = {}
    jobs: list[ExecJob] = []
    for plan in plans:
        plan.prepared = prepared[plan.task.id]
        planned = plan.jobs()
        if not planned:
            yield plan.verdict(time.monotonic() - started)
        owner.update((job.id, (plan, program)) for program, job in planned.items())
        jobs += planned.values()
    remeasure: list[_PendingCheck] = []
    for result in answered(executor, jobs):
        plan, program = owner[result.job_id]
        plan.results[program] = result
        if len(plan.results) == plan.expected:
            if plan.disputed():
                remeasure.append(plan)
            else:
                yield plan.verdict(time.monotonic() - started)
    for attempt in range(2, TIMING_ATTEMPTS + 1):
        again: dict[str, tuple[_PendingCheck, str]] = {}
        jobs = []
        for plan in remeasure:
            planned = plan.jobs(plan.disputed(), attempt)
            again.update((job.id, (plan, program)) for program, job in planned.items())
            jobs += planned.values()
        for result in answered(executor, jobs):
            plan, program = again[result.job_id]
            plan.results[program] = result
        undecided = [plan for plan in remeasure if plan.disputed()]
        for plan in remeasure:
            if attempt == TIMING_ATTEMPTS or plan not in undecided:
                yield plan.verdict(time.monotonic() - started)
        remeasure = undecided


class _PendingCheck:
    """One task's check: its mutants, its prepared form and the results collected so far."""

    def __init__(self, task: Task, key: str) -> None:
        self.task = task
        self.key = key  # unique among the tasks checked together, whatever their ids
        loaded = load_mutants(task)
        unusable = _unusable_mutants(task, loaded)
        self.mutant_problems = (*_missing_mutants(task, loaded), *unusable.values())
        self.mutants = [mutant for mutant in loaded if mutant.name not in unusable]
        self.generator_problems = check_generator(task) + _sizes_problems(task)
        self.prepared: PreparedTask | None = None
        self.results: dict[str, ExecResult] = {}
        self.expected = 0

    @property
    def graded_task(self) -> Task:
        """The task to prepare; without its generated inputs when the generator is broken.

        Its reference then still runs on the hand-written tests.
        """
        if self.generator_problems:
            return replace(self.task, differential=None, complexity_sizes=())
        return self.task

    def jobs(self, only: Sequence[str] | None = None, attempt: int = 1) -> dict[str, ExecJob]:
        """The reference's and the mutants' jobs by program, built as a candidate's job is.

        Empty when the reference or the generator is not sound. `only` names the programs to
        grade again (`disputed`); `attempt` keeps their job ids apart from earlier ones.
        """
        prepared = self.prepared
        if prepared is None or not prepared.ok or self.generator_problems:
            return {}
        programs = {REFERENCE: self.task.reference}
        programs.update((f"mutant:{m.name}", m.code) for m in self.mutants)
        if only is not None:
            programs = {program: programs[program] for program in only}
        suffix = f":attempt{attempt}" if attempt > 1 else ""
        jobs = {
            program: prepared.job(code, f"{self.key}:{self.task.id}:{program}{suffix}")
            for program, code in programs.items()
        }
        if only is None:
            self.expected = len(jobs)
        return jobs

    def disputed(self) -> list[str]:
        """The programs whose verdict rests on a run that the machine's load may have spoilt.

        These are graded again (up to `TIMING_ATTEMPTS` runs in all) before a problem is
        reported: a slow mutant measured in another tier than it declares, and a reference
        that does not pass when graded or whose timing stopped short of the budget. Timings
        on a shared machine are noisy; a task author should not chase a one-off.
        """
        prepared = self.prepared
        if prepared is None:
            return []
        found = []
        graded = self.results.get(REFERENCE)
        if graded is not None and self._reference_problems(prepared, graded, graded_only=True):
            found.append(REFERENCE)
        for mutant in self.mutants:
            result = self.results.get(f"mutant:{mutant.name}")
            if result is None or mutant.complexity is None:
                continue
            verdict = _mutant_verdict(mutant, result, prepared)
            declared = growth_class(mutant.complexity)
            if verdict.problem is not None and declared is not None and not verdict.caught_by:
                found.append(f"mutant:{mutant.name}")
        return found

    def verdict(self, duration_s: float) -> TaskCheck:
        prepared = self.prepared
        assert prepared is not None  # set before any verdict
        graded = self.results.get(REFERENCE)
        reference = graded or prepared.reference_result
        measured = None
        if graded is not None and graded.status is Status.PASSED:
            measured = judge_time_complexity(
                graded.timing, prepared.reference_timing, prepared.timing_note
            )
        cases: tuple[CaseResult, ...] = ()
        if reference is None:  # not run: its inputs could not be built
            status, message = Status.ERROR, prepared.problem
        else:
            status, cases, message = reference.status, reference.cases, reference.message
        return TaskCheck(
            task_id=self.task.id,
            reference_status=status,
            reference_cases=cases,
            reference_message=message,
            reference_problems=self._reference_problems(prepared, graded),
            generator_problems=self.generator_problems,
            mutant_problems=self.mutant_problems,
            mutants=tuple(
                _mutant_verdict(mutant, self.results[f"mutant:{mutant.name}"], prepared)
                for mutant in self.mutants
                if f"mutant:{mutant.name}" in self.results
            ),
            warnings=self._warnings(measured),
            duration_s=duration_s,
            time_limit_s=prepared.time_limit_s if prepared.ok else 0.0,
            reference_complexity=measured.label if measured else None,
            reference_family=measured.family if measured else None,
        )

    def _reference_problems(
        self, prepared: PreparedTask, graded: ExecResult | None, graded_only: bool = False
    ) -> tuple[str, ...]:
        """What the second run, the reference graded as a candidate, showed beyond its cases.

        With `graded_only`, the problems of that run alone (not of the preparation's timing).
        """
        if graded is None:
            return ()
        limit = f"{prepared.time_limit_s:g} s"
        if graded.status is not Status.PASSED:
            return (
                "the reference passes when prepared but not when graded as a candidate: its "
                f"outputs must be reproducible and each test must finish within {limit}",
            )
        stops: dict[str, str] = {}  # by family: the preparation's timing, then the graded one's
        timings = (graded.timing,) if graded_only else (prepared.reference_timing, graded.timing)
        for timing in timings:
            if timing is None:
                continue
            for family in timing.families:
                if family.stopped and not family.by_budget:
                    stops.setdefault(family.family, family.stopped)
                elif len(family.points) < MIN_SIZES and family.family not in stops:
                    sizes = len(self.task.complexity_sizes)
                    stops[family.family] = (
                        f"reaches only {len(family.points)} of {sizes} sizes within the "
                        f"{timing.budget_s:g} s budget, too few to fit a class"
                        + (f" ({family.stopped})" if family.stopped else "")
                    )
        found = tuple(
            f"the reference's timing ({family} inputs) {stopped}; lower the [complexity] sizes"
            for family, stopped in stops.items()
        )
        if not found and self.task.complexity_sizes and prepared.timing_note and not graded_only:
            found = (f"{prepared.timing_note}; lower the [complexity] sizes",)
        return found

    def _warnings(self, measured: TimeComplexity | None) -> tuple[str, ...]:
        found = []
        stated_label = self.task.time_complexity
        stated = growth_class(stated_label) if stated_label else None
        if stated is not None and measured is not None and measured.conclusive:
            if _tier(measured.label) != stated.tier:
                found.append(
                    f"the reference is measured {measured.label} ({measured.family} inputs), "
                    f"the task states {stated_label}"
                )
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


def _mutant_verdict(mutant: Mutant, result: ExecResult, prepared: PreparedTask) -> MutantVerdict:
    caught = [case.name for case in result.cases if case.status is not Status.PASSED]
    if result.status is not Status.PASSED and not caught:
        caught = [f"<program: {result.status}>"]
    verdict = MutantVerdict(mutant.name, mutant.description, result.status, tuple(caught))
    if mutant.complexity is None:
        return verdict
    measured = judge_time_complexity(result.timing, prepared.reference_timing, prepared.timing_note)
    return replace(
        verdict,
        expected=mutant.complexity,
        measured=measured.label if result.status is Status.PASSED else None,
        family=measured.family,
        note=measured.note,
    )


def _sizes_problems(task: Task) -> tuple[str, ...]:
    """A `[complexity]` section too small for any class to be fitted."""
    sizes = sorted({size for size in task.complexity_sizes if size >= 1})
    if not task.complexity_sizes or (len(sizes) >= MIN_SIZES and sizes[-1] >= 2 * sizes[0]):
        return ()
    return (
        f"[complexity] sizes: {len(sizes)} sizes of at least 1; a class needs at least "
        f"{MIN_SIZES}, the largest at least twice the smallest (and a wider range to tell "
        "classes a log factor apart)",
    )


def _tier(label: str) -> int | None:
    growth = growth_class(label)
    return growth.tier if growth is not None else None


def _is_generated(name: str) -> bool:
    return name.startswith("differential_")
