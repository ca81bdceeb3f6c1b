"""Proves tasks sound: the reference passes, every mutant is caught, the generator is valid.

Everything that runs a task's reference or mutants goes through the `Executor` protocol as
`ExecJob`s. Per program two jobs run: the task's hand-written `tests.py`, and generated tests
(`test_differential_*`, `test_runs_at_size_*`) that rebuild inputs with the task's `inputs.py`
on the trusted side and compare the program's output with the reference's own output there.
The generator itself is trusted task code, so its checks (returns a tuple of plain data, same
tuple for the same seed) run in this process.

A task's mutants are broken copies of its reference kept in `<task folder>/mutants/*.py`; they
are not task files, so they do not change the task's content hash.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeeval.sandbox import Executor
from codeeval.types import CaseResult, ExecJob, ExecLimits, ExecResult, Status, Task

MUTANTS_DIR = "mutants"
MIN_MUTANTS = 3
REFERENCE_TIME_LIMIT_S = 30.0
_PLAIN_SCALARS = (type(None), bool, int, float, complex, str, bytes)


@dataclass(frozen=True, slots=True)
class Mutant:
    """A deliberately broken copy of a task's reference; some test must fail on it."""

    name: str
    code: str
    description: str = ""


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
    generator_problems: tuple[str, ...] = ()
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
            found.append(f"reference ends with status {self.reference_status}")
        found += self.generator_problems
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


def load_mutants(task: Task) -> list[Mutant]:
    """The mutants kept beside a task folder, sorted by name; none for other task sources.

    The description is the mutant's first line when it is a comment (`# Mutant: ...`).
    """
    folder = Path(task.source) / MUTANTS_DIR if task.source else None
    if folder is None or not folder.is_dir():
        return []
    mutants = []
    for path in sorted(folder.glob("*.py")):
        code = path.read_text(encoding="utf-8")
        first = code.split("\n", 1)[0]
        description = first.lstrip("#").strip() if first.startswith("#") else ""
        mutants.append(Mutant(path.stem, code, description.removeprefix("Mutant:").strip()))
    return mutants


def check_task(task: Task, executor: Executor, **options: Any) -> TaskCheck:
    """Prove one task sound; see `check_tasks`."""
    return next(check_tasks([task], executor, **options))


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
    plans = {task.id: _Plan(task) for task in tasks}
    reference_jobs = [
        job
        for plan in plans.values()
        for job in plan.jobs("reference", plan.task.reference, reference_time_limit_s, True)
    ]
    for result in _stream(executor, reference_jobs):
        plans[_task_of(result.job_id)].results["reference"].append(result)
    mutant_jobs: list[ExecJob] = []
    for plan in plans.values():
        jobs = plan.mutant_jobs() if plan.reference_passed and not plan.generator_problems else []
        mutant_jobs += jobs
        if not jobs:
            yield plan.verdict(time.monotonic() - started)
    pending = Counter(_task_of(job.id) for job in mutant_jobs)
    for result in _stream(executor, mutant_jobs):
        task_id = _task_of(result.job_id)
        plans[task_id].results[_program_of(result.job_id)].append(result)
        pending[task_id] -= 1
        if pending[task_id] == 0:
            yield plans[task_id].verdict(time.monotonic() - started)


class _Plan:
    """The jobs and collected results of one task's check."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.mutants = load_mutants(task)
        self.results: dict[str, list[ExecResult]] = defaultdict(list)
        self.generator_problems = check_generator(task)

    def jobs(self, program: str, code: str, time_limit_s: float, sizes: bool) -> list[ExecJob]:
        limits = ExecLimits(time_limit_s=time_limit_s, memory_mb=self.task.limits.memory_mb)
        prefix = f"{self.task.id}::{program}::"
        jobs = [ExecJob(prefix + "tests", code, self.task.entry_point, self.task.tests, limits)]
        generated = generated_tests(self.task, sizes=sizes)
        if generated and not self.generator_problems:
            jobs.append(
                ExecJob(prefix + "generated", code, self.task.entry_point, generated, limits)
            )
        return jobs

    @property
    def reference_passed(self) -> bool:
        results = self.results["reference"]
        return bool(results) and all(r.status is Status.PASSED for r in results)

    def mutant_jobs(self) -> list[ExecJob]:
        limit = max(
            self.task.limits.min_time_limit_s, self.task.limits.time_factor * self._slowest()
        )
        jobs = [
            job
            for mutant in self.mutants
            for job in self.jobs(f"mutant:{mutant.name}", mutant.code, limit, False)
        ]
        return jobs

    def _slowest(self) -> float:
        durations = [
            case.duration_s
            for result in self.results["reference"]
            for case in result.cases
            if not case.name.startswith("test_runs_at_size_")
        ]
        return max(durations, default=0.0)

    def verdict(self, duration_s: float) -> TaskCheck:
        reference = self.results["reference"]
        status = next((r.status for r in reference if r.status is not Status.PASSED), None)
        verdicts = tuple(
            _mutant_verdict(mutant, self.results[f"mutant:{mutant.name}"])
            for mutant in self.mutants
            if self.results[f"mutant:{mutant.name}"]
        )
        return TaskCheck(
            task_id=self.task.id,
            reference_status=status or (Status.PASSED if reference else Status.ERROR),
            reference_cases=tuple(case for result in reference for case in result.cases),
            generator_problems=self.generator_problems,
            mutants=verdicts,
            warnings=self._warnings(),
            duration_s=duration_s,
        )

    def _warnings(self) -> tuple[str, ...]:
        found = []
        if self.task.source and Path(self.task.source).is_dir() and len(self.mutants) < MIN_MUTANTS:
            found.append(
                f"{len(self.mutants)} mutant(s); add at least {MIN_MUTANTS} broken copies of "
                f"solution.py under {Path(self.task.source) / MUTANTS_DIR}"
            )
        if self.task.inputs is None:
            found.append("no input generator (inputs.py): no differential tests, no timing curve")
        elif not self.task.differential:
            found.append("no [differential] section: inputs.py feeds no differential test")
        return tuple(found)


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


def _task_of(job_id: str) -> str:
    return job_id.split("::")[0]


def _program_of(job_id: str) -> str:
    return job_id.split("::")[1]


def _is_generated(name: str) -> bool:
    return name.startswith(("test_differential_", "test_runs_at_size_"))


def differential_seeds(task: Task) -> list[tuple[int, str]]:
    """(size, seed) of each differential case: case i uses size `sizes[i % len(sizes)]`."""
    spec = task.differential
    if spec is None or not spec.sizes:
        return []
    sizes = spec.sizes
    return [
        (sizes[i % len(sizes)], f"{spec.seed}:{sizes[i % len(sizes)]}:{i}")
        for i in range(spec.count)
    ]


def _size_runs(task: Task, sizes: bool) -> list[tuple[int, str]]:
    """Sizes the reference must run at that no differential case covers, with their seeds."""
    covered = {size for size, _ in differential_seeds(task)}
    wanted = set(task.differential.sizes if task.differential else ())
    if sizes:
        wanted |= set(task.complexity_sizes)
    seed = task.differential.seed if task.differential else 0
    return [(size, f"{seed}:run:{size}") for size in sorted(wanted - covered)]


def generated_tests(task: Task, *, sizes: bool = True) -> str | None:
    """Test source for `task`'s differential cases (and, with `sizes`, one run per size).

    None when the task has no generator or nothing to generate.
    """
    if task.inputs is None:
        return None
    cases = differential_seeds(task)
    runs = _size_runs(task, sizes)
    if not cases and not runs:
        return None
    parts = [
        _GENERATED_HEADER.format(
            task_id=task.id, reference=task.reference, inputs=task.inputs, entry=task.entry_point
        )
    ]
    width = len(str(len(cases)))
    parts += [
        f"\n\ndef test_differential_{i:0{width}d}_size_{size}(candidate):\n"
        f"    _differential(candidate, {size}, {seed!r})\n"
        for i, (size, seed) in enumerate(cases)
    ]
    parts += [
        f"\n\ndef test_runs_at_size_{size}(candidate):\n"
        f"    candidate(*_arguments({size}, {seed!r}))\n"
        for size, seed in runs
    ]
    return "".join(parts)


_GENERATED_HEADER = '''\
"""Tests generated by codeeval.taskcheck for {task_id}: inputs from inputs.py, outputs from
the reference solution, both run here on the trusted side."""

import copy
import random

_reference = {{"__name__": "codeeval_reference"}}
exec(compile({reference!r}, "<reference>", "exec"), _reference)
_inputs = {{"__name__": "codeeval_inputs"}}
exec(compile({inputs!r}, "<inputs.py>", "exec"), _inputs)


def _arguments(size, seed):
    return _inputs["generate"](size, random.Random(seed))


def _short(value):
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def _differential(candidate, size, seed):
    args = _arguments(size, seed)
    expected = _reference[{entry!r}](*copy.deepcopy(args))
    actual = candidate(*args)
    if actual != expected and repr(actual) != repr(expected):
        raise AssertionError(
            f"size {{size}}, seed {{seed!r}}: expected {{_short(expected)}}, got {{_short(actual)}}"
        )
'''


def check_generator(task: Task) -> tuple[str, ...]:
    """Problems with `task`'s `inputs.py`, one line each; empty when it is fine.

    At every differential and complexity size, `generate(size, rng)` must return a tuple of
    plain data, and the same tuple for the same seed.
    """
    if task.inputs is None:
        return ()
    namespace: dict[str, Any] = {"__name__": "codeeval_inputs"}
    try:
        exec(compile(task.inputs, f"{task.source or task.id}/inputs.py", "exec"), namespace)
    except Exception as exc:  # the task's own file: any failure is its author's to fix
        return (f"inputs.py raises on import: {type(exc).__name__}: {exc}",)
    generate = namespace.get("generate")
    if not callable(generate):
        return ("inputs.py: generate is not a function",)
    sizes = sorted(
        {*(task.differential.sizes if task.differential else ()), *task.complexity_sizes}
    )
    return tuple(problem for size in sizes for problem in _check_size(generate, size))


def _check_size(generate: Any, size: int) -> Iterable[str]:
    try:
        first = generate(size, random.Random(f"check:{size}"))
        second = generate(size, random.Random(f"check:{size}"))
    except Exception as exc:
        yield f"inputs.py: generate({size}, rng) raises {type(exc).__name__}: {exc}"
        return
    if not isinstance(first, tuple):
        yield f"inputs.py: generate({size}, rng) returns {type(first).__name__}, not a tuple"
    elif not _is_plain(first):
        yield f"inputs.py: generate({size}, rng) returns data that cannot cross the sandbox"
    elif first != second and repr(first) != repr(second):
        yield f"inputs.py: generate({size}, rng) differs between two runs with the same seed"


def _is_plain(value: Any) -> bool:
    """True for the plain data the sandbox boundary carries (recursively)."""
    if isinstance(value, _PLAIN_SCALARS):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_is_plain(k) and _is_plain(v) for k, v in value.items())
    return False
