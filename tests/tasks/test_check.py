"""`tasks check` through the real sandbox: sound tasks pass, unsound ones are named."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

import pytest
from counting_executor import CountingExecutor
from sample_task import SOUND_TASK

from codeeval.task.check import check_task, check_tasks
from codeeval.task.folder import load_mutants
from codeeval.task.inputs import differential_arguments, differential_seeds, timing_arguments
from codeeval.task.prepare import prepare_tasks
from codeeval.types import ExecJob, ExecResult, Status, Task

WriteTask = Callable[..., Task]


def test_sound_task_passes_and_names_what_caught_each_mutant(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    check = check_task(write_task(), executor)
    assert check.ok, check.problems
    assert check.reference_status is Status.PASSED
    assert check.hand_written_tests == 2
    assert check.generated_tests == 12  # the differential cases
    assert check.time_limit_s == 0.5  # the task's floor: the reference is far faster
    verdicts = {m.name: m for m in check.mutants}
    assert sorted(verdicts) == ["first_value", "skips_last", "smallest"]
    assert verdicts["smallest"].caught_by[0] == "test_negative"
    assert verdicts["smallest"].description == "returns the smallest value"
    assert verdicts["first_value"].status is Status.FAILED
    assert verdicts["first_value"].caught_by[0] == "test_negative"
    # The hand-written tests miss this one; the differential tests catch it.
    caught = verdicts["skips_last"].caught_by
    assert caught and all(name.startswith("differential_") for name in caught)
    assert check.warnings == ()


def test_broken_reference_is_refused_and_mutants_are_not_run(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    task = write_task({"solution.py": "def largest(values):\n    return min(values)\n"})
    check = check_task(task, executor)
    assert not check.ok
    assert check.reference_status is Status.FAILED
    assert "reference fails test_negative: failed" in check.problems[0]
    assert check.mutants == ()
    assert executor.jobs_run == 1  # the reference's preparation: tests and differential cases


def test_mutant_that_no_test_catches_is_a_problem(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    survivor = "# Mutant: uses max()\ndef largest(values):\n    return max(values)\n"
    check = check_task(write_task({"mutants/uses_max.py": survivor}), executor)
    assert not check.ok
    assert check.problems == ("mutant uses_max survives every test (uses max())",)
    (verdict,) = [m for m in check.mutants if m.name == "uses_max"]
    assert verdict.status is Status.PASSED
    assert not verdict.caught


def test_looping_mutant_is_caught_by_the_time_limit(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    looping = (
        "# Mutant: loops forever on one value\n"
        "def largest(values):\n"
        "    while len(values) == 1:\n"
        "        pass\n"
        "    return max(values)\n"
    )
    toml = SOUND_TASK["task.toml"].replace("min_time_limit_s = 0.5", "min_time_limit_s = 0.2")
    check = check_task(write_task({"task.toml": toml, "mutants/loops.py": looping}), executor)
    (verdict,) = [m for m in check.mutants if m.name == "loops"]
    assert verdict.status is Status.TIMEOUT
    assert "test_single" in verdict.caught_by
    assert check.ok


@pytest.mark.parametrize(
    ("inputs", "problem"),
    [
        ("def generate(size, rng):\n    return [size]\n", "returns list, not a tuple"),
        (
            "import random\n\ndef generate(size, rng):\n    return ([random.random()],)\n",
            "differs between two runs with the same seed",
        ),
        (
            "def generate(size, rng):\n    if size == 10:\n        raise ValueError('too big')\n"
            "    return ([1] * max(1, size),)\n",
            "generate(10, rng) raises ValueError: too big",
        ),
        (
            "def generate(size, rng):\n    return (object(),)\n",
            "returns data that cannot cross the sandbox",
        ),
        (
            "def generate(size, rng):\n    return ([1],)\n\nraise RuntimeError('broken')\n",
            "inputs.py raises on import: RuntimeError: broken",
        ),
        ("generate = 3\n", "generate is not a function"),
        (
            "def generate(size, rng):\n    return ([1] * size,)\n\nFAMILIES = [generate]\n",
            "FAMILIES must be a dict of name -> function(size, rng)",
        ),
        (
            "def generate(size, rng):\n    return ([1] * size,)\n\n"
            "FAMILIES = {'Sorted!': generate}\n",
            "FAMILIES: 'Sorted!' is not a family name",
        ),
        (
            "def generate(size, rng):\n    return ([1] * size,)\n\nFAMILIES = {'flat': 3}\n",
            "FAMILIES['flat'] is not a function",
        ),
        (
            "def generate(size, rng):\n    return ([1] * size,)\n\n"
            "def wide(size, rng):\n    return [size]\n\nFAMILIES = {'wide': wide}\n",
            "FAMILIES['wide'](100, rng) returns list, not a tuple",
        ),
    ],
)
def test_invalid_generator_is_named(
    write_task: WriteTask, executor: CountingExecutor, inputs: str, problem: str
) -> None:
    check = check_task(write_task({"inputs.py": inputs}), executor)
    assert not check.ok
    assert any(problem in line for line in check.problems), check.problems
    assert check.mutants == ()
    assert executor.jobs_run == 1  # the reference on its hand-written tests: no inputs


def test_reference_must_reproduce_its_own_outputs(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    noisy = (
        "import os\n\n"
        "def largest(values):\n"
        "    noise = int.from_bytes(os.urandom(8), 'big') if len(values) >= 10 else 0\n"
        "    return max(values) + noise\n"
    )
    check = check_task(write_task({"solution.py": noisy}), executor)
    assert not check.ok
    failing = [c.name for c in check.reference_cases if c.status is not Status.PASSED]
    assert failing and all(name.endswith("_n10") for name in failing)
    assert check.problems[-1].startswith(
        "the reference passes when prepared but not when graded as a candidate: its outputs "
        "must be reproducible"
    )


def test_mutants_that_prove_nothing_are_problems(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    task = write_task(
        {
            "mutants/not_python.py": "# Mutant: does not compile\ndef largest(values:\n",
            "mutants/unchanged.py": SOUND_TASK["solution.py"],
        }
    )
    check = check_task(task, executor)
    assert not check.ok
    assert check.problems == (
        "mutant not_python does not compile (line 2: '(' was never closed); "
        "a mutant must be a runnable broken copy of solution.py",
        "mutant unchanged is the reference unchanged",
    )
    # The three sound mutants still ran and were caught; the two broken ones did not run.
    assert sorted(m.name for m in check.mutants) == ["first_value", "skips_last", "smallest"]


def test_a_task_folder_without_mutants_is_not_sound(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    names = ("smallest", "skips_last", "first_value")
    check = check_task(write_task({f"mutants/{n}.py": None for n in names}), executor)
    assert not check.ok
    (problem,) = check.problems
    assert problem.startswith("no mutants: add at least 3 broken copies of solution.py under ")


def test_warnings_for_few_mutants_and_no_generator(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    task = write_task(
        {
            "task.toml": 'entry_point = "largest"\n',
            "inputs.py": None,
            "mutants/skips_last.py": None,
            "mutants/first_value.py": None,
        }
    )
    check = check_task(task, executor)
    assert check.ok
    assert check.warnings[0].startswith("1 mutant(s); add at least 3")
    assert "no input generator" in check.warnings[1]
    assert check.generated_tests == 0


def test_tasks_are_reported_as_soon_as_they_are_decided(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    sound = write_task(name="sound")
    broken = write_task({"solution.py": "def largest(values):\n    return 0\n"}, name="broken")
    checks = list(check_tasks([sound, broken], executor))
    # The broken reference is decided after the first batch, before any mutant runs.
    assert [c.task_id for c in checks] == ["broken", "sound"]
    assert [c.ok for c in checks] == [False, True]


class _DroppingExecutor:
    """Forwards to the sandbox but loses the results of the references' preparation."""

    def __init__(self, inner: CountingExecutor) -> None:
        self.inner = inner

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        for result in self.inner.run(jobs):
            if not result.job_id.startswith("reference:"):
                yield result

    def close(self) -> None:
        self.inner.close()


def test_a_job_without_result_counts_as_killed(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    check = check_task(write_task(), _DroppingExecutor(executor))
    assert check.reference_status is Status.KILLED
    assert check.problems == ("reference ends with status killed: the executor returned no result",)


def test_generated_inputs_follow_the_task_spec(write_task: WriteTask) -> None:
    task = write_task()
    assert differential_seeds(task)[:5] == [
        (1, "7:1:0"),
        (2, "7:2:1"),
        (3, "7:3:2"),
        (10, "7:10:3"),
        (1, "7:1:4"),
    ]
    arguments = differential_arguments(task)
    assert len(arguments) == 12
    assert arguments[3][0] == 10 and len(arguments[3][1][0]) == 10
    rng = random.Random("7:10:3")
    assert arguments[3][1] == ([rng.randint(-10, 10) for _ in range(10)],)
    ((family, timing),) = timing_arguments(task)
    assert family == "random" and [size for size, _ in timing] == [100, 200, 400, 800]
    rng = random.Random(7 * 1_000_003 + 200)
    assert timing[1][1] == ([rng.randint(-200, 200) for _ in range(200)],)
    plain = write_task({"inputs.py": None, "task.toml": 'entry_point = "largest"\n'}, name="plain")
    assert differential_arguments(plain) == [] and timing_arguments(plain) == []


def test_check_grades_with_the_jobs_a_run_grades_with(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    """Every job `tasks check` sends after preparing is a prepared job, as `run` builds it."""
    task = write_task()
    sent: list[ExecJob] = []

    class Recording:
        def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
            return executor.run(sent.append(job) or job for job in jobs)

        def close(self) -> None:
            pass

    check = check_task(task, Recording())
    assert check.ok, check.problems
    (prepared,) = prepare_tasks([task], executor).values()
    graded = {job.id.rsplit(":", 1)[-1]: job for job in sent if not job.id.startswith("reference:")}
    assert sorted(graded) == ["first_value", "reference", "skips_last", "smallest"]
    codes = {"reference": task.reference, **{m.name: m.code for m in load_mutants(task)}}
    for name, job in graded.items():
        expected = prepared.job(codes[name], job.id)
        # Tests, cases and limits; the timing plan's inputs and the reference's results (the
        # CPU the reference's child took to receive its inputs differs from run to run).
        assert replace(job, timing=None) == replace(expected, timing=None)
        assert job.cases and job.timing and job.limits.time_limit_s == check.time_limit_s
        assert expected.timing is not None
        planned = [(p.size, p.payload, p.expected) for p in job.timing.families[0].points]
        again = [(p.size, p.payload, p.expected) for p in expected.timing.families[0].points]
        assert planned == again
        assert [size for size, _, _ in planned] == [100, 200, 400, 800]


def test_a_reference_too_slow_at_a_complexity_size_is_named(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    slow_at_200 = (
        "def largest(values):\n"
        "    if len(values) == 200:\n"
        "        while True:\n"
        "            pass\n"
        "    return max(values)\n"
    )
    toml = SOUND_TASK["task.toml"].replace("min_time_limit_s = 0.5", "min_time_limit_s = 0.2")
    check = check_task(write_task({"task.toml": toml, "solution.py": slow_at_200}), executor)
    assert not check.ok
    assert check.problems[0].startswith(
        "the reference's timing (random inputs) reaches only 1 of 4 sizes within the 3 s "
        "budget, too few to fit a class (stopped at size 200: a call there did not finish "
        "within the timing budget left"
    )
    assert check.problems[0].endswith("; lower the [complexity] sizes")


def test_too_few_complexity_sizes_are_a_problem(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    toml = SOUND_TASK["task.toml"].replace("[100, 200, 400, 800]", "[100, 200, 300]")
    check = check_task(write_task({"task.toml": toml}), executor)
    assert check.problems == (
        "[complexity] sizes: 3 sizes of at least 1; a class needs at least 4, the largest at "
        "least twice the smallest (and a wider range to tell classes a log factor apart)",
    )


def test_mutants_are_read_with_descriptions_and_do_not_change_the_hash(
    write_task: WriteTask,
) -> None:
    with_mutants = write_task(name="a")
    without = write_task(
        {f"mutants/{name}.py": None for name in ("smallest", "skips_last", "first_value")},
        name="b",
    )
    assert [(m.name, m.description) for m in load_mutants(with_mutants)] == [
        ("first_value", "returns the first value"),
        ("skips_last", "the last value is never compared"),
        ("smallest", "returns the smallest value"),
    ]
    assert load_mutants(without) == []
    assert with_mutants.content_hash == without.content_hash


QUADRATIC_LARGEST = (
    "# Mutant: counts every value's occurrences with list.count\n"
    "# Complexity: O(n^2)\n"
    "def largest(values):\n"
    "    best = values[0]\n"
    "    for value in values:\n"
    "        if values.count(value) and value > best:\n"
    "            best = value\n"
    "    return best\n"
)


def test_a_slow_mutant_is_caught_when_measured_as_it_declares(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    check = check_task(write_task({"mutants/counting.py": QUADRATIC_LARGEST}), executor)
    assert check.ok, check.problems
    (slow,) = [m for m in check.mutants if m.name == "counting"]
    assert slow.expected == "O(n^2)" and slow.measured == "O(n^2)" and slow.family == "random"
    assert slow.status is Status.PASSED and slow.caught_by == () and slow.caught
    # O(n) and O(n log n) are one tier: the reference's linear loop may be measured as either
    assert check.reference_complexity in ("O(n)", "O(n log n)")
    assert check.reference_family == "random"


class SpoilingExecutor(CountingExecutor):
    """The real sandbox, with the timing of the first `spoilt` runs of jobs matching `program`
    lost, as when the machine's load spoils a measurement."""

    def __init__(self, inner: CountingExecutor, program: str, spoilt: int) -> None:
        super().__init__(inner.inner)
        self.program = program
        self.spoilt = spoilt
        self.runs_of_program = 0

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        for result in super().run(jobs):
            if self.program in result.job_id:
                self.runs_of_program += 1
                if self.runs_of_program <= self.spoilt:
                    result = replace(result, timing=None)
            yield result


def test_a_slow_mutant_measured_wrongly_once_is_measured_again_before_a_problem(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    spoiling = SpoilingExecutor(executor, "mutant:counting", spoilt=1)
    check = check_task(write_task({"mutants/counting.py": QUADRATIC_LARGEST}), spoiling)
    assert check.ok, check.problems
    assert spoiling.runs_of_program == 2
    (slow,) = [m for m in check.mutants if m.name == "counting"]
    assert slow.measured == "O(n^2)"


def test_a_slow_mutant_measured_wrongly_every_time_is_a_problem_after_three_runs(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    spoiling = SpoilingExecutor(executor, "mutant:counting", spoilt=3)
    check = check_task(write_task({"mutants/counting.py": QUADRATIC_LARGEST}), spoiling)
    assert spoiling.runs_of_program == 3
    assert check.problems == ("slow mutant counting is not measured as O(n^2): n/a: not timed",)


def test_a_slow_mutant_measured_otherwise_or_failing_a_test_is_a_problem(
    write_task: WriteTask, executor: CountingExecutor
) -> None:
    linear = (
        "# Mutant: plain max\n# Complexity: O(n^2)\ndef largest(values):\n    return max(values)\n"
    )
    failing = QUADRATIC_LARGEST.replace("values[0]", "0")  # wrong on all-negative lists
    unknown = QUADRATIC_LARGEST.replace("O(n^2)", "O(V + E)")
    check = check_task(
        write_task(
            {
                "mutants/linear.py": linear,
                "mutants/failing.py": failing,
                "mutants/unknown.py": unknown,
            }
        ),
        executor,
    )
    assert not check.ok
    problems = "\n".join(check.problems)
    # O(n) and O(n log n) are one tier: a fast linear call may be measured as either
    assert re.search(
        r"slow mutant linear is measured O\(n( log n)?\) \(random inputs\), not O\(n\^2\) as its "
        r"'# Complexity' line says",
        problems,
    ), problems
    assert "slow mutant failing fails test_negative: a slow mutant must be correct, only slow" in (
        problems
    )
    assert "slow mutant unknown: '# Complexity: O(V + E)' names no class the timings measure" in (
        problems
    )
