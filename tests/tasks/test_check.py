"""taskcheck against the fork executor double: sound tasks pass, unsound ones are named."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator

import pytest
from fork_executor import ForkExecutor
from sample_task import SOUND_TASK

from codeeval.task.check import check_task, check_tasks
from codeeval.task.folder import load_mutants
from codeeval.task.inputs import differential_arguments, differential_seeds, generated_tests
from codeeval.types import ExecJob, ExecResult, Status, Task

WriteTask = Callable[..., Task]


def test_sound_task_passes_and_names_what_caught_each_mutant(
    write_task: WriteTask, executor: ForkExecutor
) -> None:
    check = check_task(write_task(), executor)
    assert check.ok, check.problems
    assert check.reference_status is Status.PASSED
    assert check.hand_written_tests == 2
    assert check.generated_tests == 12 + 2  # 12 differential cases, runs at sizes 100 and 200
    verdicts = {m.name: m for m in check.mutants}
    assert sorted(verdicts) == ["first_value", "skips_last", "smallest"]
    assert verdicts["smallest"].caught_by[0] == "test_negative"
    assert verdicts["smallest"].description == "returns the smallest value"
    assert verdicts["first_value"].status is Status.FAILED
    assert verdicts["first_value"].caught_by[0] == "test_negative"
    # The hand-written tests miss this one; the differential tests catch it.
    caught = verdicts["skips_last"].caught_by
    assert caught and all(name.startswith("test_differential_") for name in caught)
    assert check.warnings == ()


def test_broken_reference_is_refused_and_mutants_are_not_run(
    write_task: WriteTask, executor: ForkExecutor
) -> None:
    task = write_task({"solution.py": "def largest(values):\n    return min(values)\n"})
    check = check_task(task, executor)
    assert not check.ok
    assert check.reference_status is Status.FAILED
    assert "reference fails test_negative: failed" in check.problems[0]
    assert check.mutants == ()
    assert executor.jobs_run == 2  # the reference's own tests and its generated tests


def test_mutant_that_no_test_catches_is_a_problem(
    write_task: WriteTask, executor: ForkExecutor
) -> None:
    survivor = "# Mutant: uses max()\ndef largest(values):\n    return max(values)\n"
    check = check_task(write_task({"mutants/uses_max.py": survivor}), executor)
    assert not check.ok
    assert check.problems == ("mutant uses_max survives every test (uses max())",)
    (verdict,) = [m for m in check.mutants if m.name == "uses_max"]
    assert verdict.status is Status.PASSED
    assert not verdict.caught


def test_looping_mutant_is_caught_by_the_time_limit(
    write_task: WriteTask, executor: ForkExecutor
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
    ],
)
def test_invalid_generator_is_named(
    write_task: WriteTask, executor: ForkExecutor, inputs: str, problem: str
) -> None:
    check = check_task(write_task({"inputs.py": inputs}), executor)
    assert not check.ok
    assert any(problem in line for line in check.problems), check.problems
    assert check.mutants == ()
    assert executor.jobs_run == 1  # only the hand-written tests: no inputs to generate


def test_reference_must_reproduce_its_own_outputs(
    write_task: WriteTask, executor: ForkExecutor
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
    assert failing and all(name.endswith("_size_10") for name in failing)


def test_mutants_that_prove_nothing_are_problems(
    write_task: WriteTask, executor: ForkExecutor
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
    write_task: WriteTask, executor: ForkExecutor
) -> None:
    names = ("smallest", "skips_last", "first_value")
    check = check_task(write_task({f"mutants/{n}.py": None for n in names}), executor)
    assert not check.ok
    (problem,) = check.problems
    assert problem.startswith("no mutants: add at least 3 broken copies of solution.py under ")


def test_warnings_for_few_mutants_and_no_generator(
    write_task: WriteTask, executor: ForkExecutor
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
    write_task: WriteTask, executor: ForkExecutor
) -> None:
    sound = write_task(name="sound")
    broken = write_task({"solution.py": "def largest(values):\n    return 0\n"}, name="broken")
    checks = list(check_tasks([sound, broken], executor))
    # The broken reference is decided after the first batch, before any mutant runs.
    assert [c.task_id for c in checks] == ["broken", "sound"]
    assert [c.ok for c in checks] == [False, True]


class _DroppingExecutor:
    """Forwards to the fork executor but loses the results of generated-test jobs."""

    def __init__(self, inner: ForkExecutor) -> None:
        self.inner = inner

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        for result in self.inner.run(jobs):
            if not result.job_id.endswith(":generated"):
                yield result

    def close(self) -> None:
        self.inner.close()


def test_a_job_without_result_counts_as_killed(
    write_task: WriteTask, executor: ForkExecutor
) -> None:
    check = check_task(write_task(), _DroppingExecutor(executor))
    assert check.reference_status is Status.KILLED
    assert check.problems == ("reference ends with status killed: the executor returned no result",)


def test_generated_tests_follow_the_task_spec(write_task: WriteTask) -> None:
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
    with_sizes = generated_tests(task)
    without = generated_tests(task, sizes=False)
    assert with_sizes is not None and without is not None
    assert with_sizes.count("\ndef test_differential_") == 12
    assert "def test_differential_11_size_10(candidate):" in with_sizes
    assert "def test_runs_at_size_200(candidate):" in with_sizes
    assert "test_runs_at_size_" not in without
    plain = write_task({"inputs.py": None, "task.toml": 'entry_point = "largest"\n'}, name="plain")
    assert generated_tests(plain) is None
    assert differential_arguments(plain) == []


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
