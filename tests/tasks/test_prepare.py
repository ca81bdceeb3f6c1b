"""Task preparation: limits from the reference's own time, differential cases, timing inputs."""

from __future__ import annotations

import marshal
from collections.abc import Callable

from counting_executor import CountingExecutor

from codeeval.task import select_tasks
from codeeval.task.folder import MAX_TIME_LIMIT_S
from codeeval.task.prepare import prepare_tasks, program, time_limit_s, trusted_tests
from codeeval.types import DifferentialSpec, Status, Task, TaskLimits

MakeTask = Callable[..., Task]


def test_quicksort_is_prepared_with_cases_and_timing_inputs(executor: CountingExecutor) -> None:
    (task,) = select_tasks(["quicksort"])
    ready = prepare_tasks([task], executor, min_time_limit_s=0.5)["quicksort"]
    assert ready.ok and ready.problem == ""
    assert ready.reference_result is not None
    slowest = max(case.duration_s for case in ready.reference_result.cases)
    assert ready.time_limit_s == round(max(0.5, 10 * slowest), 3)
    assert len(ready.cases) == 30
    for case in ready.cases:
        (items,) = case.args
        assert case.expected == sorted(items)
    # Every family, at the sizes the reference reached within its budget, with what the
    # reference's results and input delivery were there.
    assert ready.timing is not None and ready.reference_timing is not None
    families = {family.name: family for family in ready.timing.families}
    assert list(families) == ["random", "sorted", "reversed", "equal"]
    for family in families.values():
        sizes = [point.size for point in family.points]
        assert len(sizes) >= 8 and sizes == list(task.complexity_sizes[: len(sizes)])
        assert all(p.expected is not None and p.reference_put_s is not None for p in family.points)
        (items,) = marshal.loads(family.points[-1].payload)
        assert len(items) == sizes[-1]
    (ascending,) = marshal.loads(families["sorted"].points[3].payload)
    assert ascending == sorted(ascending)
    again = prepare_tasks([task], executor, min_time_limit_s=0.5)["quicksort"]
    assert again.cases == ready.cases  # the seed makes every run test the same inputs


def test_a_prepared_job_grades_a_sample(executor: CountingExecutor) -> None:
    (task,) = select_tasks(["quicksort"])
    ready = prepare_tasks([task], executor)["quicksort"]
    wrong = (
        "def quicksort(items):\n"
        "    return sorted(items)[:-1] if len(items) > 40 else sorted(items)\n"
    )
    results = {
        r.job_id: r
        for r in executor.run([ready.job(task.reference, "right"), ready.job(wrong, "wrong")])
    }
    assert results["right"].status is Status.PASSED
    timing = results["right"].timing
    assert timing is not None and [f.family for f in timing.families] == [
        "random",
        "sorted",
        "reversed",
        "equal",
    ]
    assert all(point.verified for f in timing.families for point in f.points)
    assert results["right"].timings == timing.pairs("random")
    wrong_result = results["wrong"]
    assert wrong_result.status is Status.FAILED
    failed = {case.name for case in wrong_result.cases if case.status is Status.FAILED}
    assert "test_large_random" in failed and any(n.startswith("differential_") for n in failed)
    assert wrong_result.timings == ()  # timings only for samples that pass


def test_limits_follow_the_arguments_then_the_task(
    executor: CountingExecutor, make_task: MakeTask
) -> None:
    task = make_task(limits=TaskLimits(time_factor=10, min_time_limit_s=3.0, memory_mb=300))
    by_task = prepare_tasks([task], executor)["double"]
    assert by_task.ok and by_task.time_limit_s == 3.0 and by_task.limits.memory_mb == 300
    overridden = prepare_tasks([task], executor, min_time_limit_s=0.25, memory_mb=128)["double"]
    assert overridden.time_limit_s == 0.25 and overridden.limits.memory_mb == 128


def test_a_failing_reference_is_reported_not_raised(
    executor: CountingExecutor, make_task: MakeTask
) -> None:
    broken = make_task(task_id="broken", reference="def double(x):\n    return x\n")
    crashing_inputs = make_task(
        task_id="inputs",
        inputs="def generate(size, rng):\n    raise RuntimeError('no inputs')\n",
        differential=DifferentialSpec(count=2),
    )
    fine = make_task(task_id="fine")
    prepared = prepare_tasks([broken, crashing_inputs, fine], executor)
    assert list(prepared) == ["broken", "inputs", "fine"]
    assert not prepared["broken"].ok
    assert prepared["broken"].problem.startswith(
        "its reference solution does not pass its own tests (failed): "
    )
    assert not prepared["inputs"].ok
    assert prepared["inputs"].problem == "its input generator failed: RuntimeError: no inputs"
    assert prepared["fine"].ok


def test_completion_programs_are_the_prompt_then_the_completion(make_task: MakeTask) -> None:
    prompt = "def inc(x):\n    '''Add one.'''\n"
    task = make_task(
        code_prefix=prompt, prompt_style="completion", reference=prompt + "    return x + 1\n"
    )
    assert program(task, "    return x + 1\n") == prompt + "    return x + 1\n"
    assert program(task, prompt + "    return x\n") == prompt + "    return x\n"
    assert program(task, "") == prompt
    assert program(make_task(), "def double(x):\n    return 2 * x\n").startswith("def double")
    assert trusted_tests(task).startswith(prompt)
    broken_prefix = make_task(code_prefix="def half(:\n")
    assert trusted_tests(broken_prefix) == broken_prefix.tests


def test_one_time_limit_formula() -> None:
    assert time_limit_s(0.01, time_factor=10, min_time_limit_s=0.5) == 0.5
    assert time_limit_s(0.2, time_factor=10, min_time_limit_s=0.5) == 2.0
    assert time_limit_s(0.0123456, time_factor=100, min_time_limit_s=0.5) == 1.235


def test_a_task_whose_reference_fails_keeps_its_floor_as_limit(
    executor: CountingExecutor, make_task: MakeTask
) -> None:
    broken = make_task(
        reference="def double(x):\n    return x\n",
        limits=TaskLimits(time_factor=10, min_time_limit_s=1.5, memory_mb=300),
    )
    (prepared,) = prepare_tasks([broken], executor).values()
    assert not prepared.ok
    assert prepared.time_limit_s == prepared.limits.time_limit_s == 1.5
    assert prepared.limits.memory_mb == 300


def test_no_time_limit_exceeds_the_maximum(executor: CountingExecutor, make_task: MakeTask) -> None:
    """A floor from a flag or a benchmark's own Task is capped as a task file's is refused."""
    assert time_limit_s(30.0, time_factor=100, min_time_limit_s=1.0) == MAX_TIME_LIMIT_S
    absurd = make_task(limits=TaskLimits(min_time_limit_s=1e12))
    (prepared,) = prepare_tasks([absurd], executor).values()
    assert prepared.ok and prepared.time_limit_s == prepared.limits.time_limit_s == 60.0
    (flagged,) = prepare_tasks([make_task()], executor, min_time_limit_s=1e12).values()
    assert flagged.limits.time_limit_s == 60.0
    broken = make_task(reference="def double(x):\n    return x\n", limits=absurd.limits)
    (failed,) = prepare_tasks([broken], executor).values()
    assert not failed.ok and failed.limits.time_limit_s == 60.0  # grade still grades with it
