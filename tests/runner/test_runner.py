"""The runner with an in-process provider and executor that follow the real protocols.

The store is a real SQLite database; the provider subclasses BaseProvider and the executor
implements the Executor protocol, so every path here is the one a real run takes: planning,
resume, the answer cache, concurrency, Ctrl-C and results that arrive in any order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pytest

from codeeval.config import RunDefinition, RunOptions
from codeeval.errors import ProviderError, TransientProviderError, UserError
from codeeval.listener import RunListener
from codeeval.provider import BaseProvider
from codeeval.runner import Runner, RunOutcome
from codeeval.sandbox import Executor
from codeeval.store.sql import SqlStore
from codeeval.types import (
    CaseResult,
    ExecJob,
    ExecResult,
    Generation,
    GenerationRequest,
    SampleKey,
    Status,
    Task,
)

GOOD = "```python\ndef double(x):\n    return 2 * x\n```"
WRONG = "```python\ndef double(x):\n    return x\n```"
PROSE = "I would rather not."

Answer = Callable[[GenerationRequest], str]


class ScriptedProvider(BaseProvider):
    """Answers through `answer(request)`; counts calls and the most calls in flight at once."""

    requires_model = False
    cacheable = False

    def __init__(self, answer: Answer, *, max_concurrency: int = 8) -> None:
        super().__init__("scripted")
        self.answer = answer
        self.max_concurrency = max_concurrency
        self.requests: list[GenerationRequest] = []
        self.in_flight = self.peak = 0
        self._lock = threading.Lock()

    def generate(self, request: GenerationRequest) -> Generation:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            return Generation(text=self.answer(request), input_tokens=3, output_tokens=5)
        finally:
            with self._lock:
                self.in_flight -= 1


class CacheableProvider(ScriptedProvider):
    """A paid API's stand-in: its answers may be reused by a later run."""

    cacheable = True


class VerdictExecutor:
    """Passes a program that doubles, fails any other; the references always pass.

    With `reverse`, it takes every job before it answers, and answers in reverse order.
    """

    def __init__(self, *, reverse: bool = False, interrupt_after: int | None = None) -> None:
        self.reverse = reverse
        self.interrupt_after = interrupt_after
        self.graded: list[str] = []

    @property
    def isolation(self) -> Mapping[str, str]:
        return {"mode": "none: a test's executor"}

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        if self.reverse:
            yield from reversed([self._verdict(job) for job in jobs])
            return
        for job in jobs:
            yield self._verdict(job)

    def _verdict(self, job: ExecJob) -> ExecResult:
        if job.collect_outputs:  # a reference, measured before the run
            return ExecResult(
                job.id,
                Status.PASSED,
                cases=(CaseResult("test_small", Status.PASSED, duration_s=0.001),),
                outputs=tuple(None for _ in job.cases),
            )
        if self.interrupt_after is not None and len(self.graded) == self.interrupt_after:
            raise KeyboardInterrupt
        self.graded.append(job.id)
        passed = "2 * x" in job.code
        return ExecResult(job.id, Status.PASSED if passed else Status.FAILED, duration_s=0.01)

    def close(self) -> None:
        pass


class Recorder(RunListener):
    """Keeps what the run reports; the methods it does not override do nothing."""

    def __init__(self) -> None:
        self.planned_counts: list[tuple[int, int]] = []
        self.sources: dict[SampleKey, str] = {}
        self.verdicts: dict[SampleKey, Status] = {}
        self.lock = threading.Lock()

    def planned(self, to_generate: int, to_grade: int) -> None:
        self.planned_counts.append((to_generate, to_grade))

    def generated(self, key: SampleKey, source: str) -> None:
        with self.lock:
            self.sources[key] = source

    def graded(self, key: SampleKey, status: Status) -> None:
        with self.lock:
            self.verdicts[key] = status


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = SqlStore(str(tmp_path / "results.db"))
    yield opened
    opened.close()


@pytest.fixture
def tasks(make_task: Callable[..., Task]) -> list[Task]:
    # Prompts of their own: equal requests share a cache key, so a task asked the same as
    # another could be answered from the other's stored generation, within one run.
    return [
        make_task("double"),
        make_task("double_again", prompt="Write double(x) returning x + x."),
    ]


def _run(
    store: SqlStore,
    tasks: list[Task],
    providers: Mapping[str, BaseProvider],
    executor: Executor | VerdictExecutor | None = None,
    *,
    samples: int = 2,
    resume_run: int | None = None,
    listener: RunListener | None = None,
    **options: object,
) -> RunOutcome:
    runner = Runner(
        store,
        RunDefinition(samples=samples),
        RunOptions.model_validate(options),
        listener,
        sleep=lambda _seconds: None,
    )
    return runner.run(
        tasks,
        providers,
        executor or VerdictExecutor(),  # type: ignore[arg-type]
        resume_run=resume_run,
    )


def test_every_sample_is_generated_graded_and_stored(store: SqlStore, tasks: list[Task]) -> None:
    good = ScriptedProvider(lambda request: GOOD)
    wrong = ScriptedProvider(lambda request: WRONG if request.sample_index else PROSE)
    listener = Recorder()
    outcome = _run(store, tasks, {"good": good, "wrong": wrong}, listener=listener)
    assert outcome.status == "finished"
    assert outcome.counts == {"api": 8, "cache": 0, "stored": 0, "error": 0}
    assert listener.planned_counts == [(8, 8)]
    assert set(listener.sources.values()) == {"api"}
    record = store.load_run(outcome.run_id)
    assert record.summary.status == "finished" and record.spec.models == ("good", "wrong")
    assert record.spec.machine["sandbox"] == {
        "executor": "local",
        "mode": "none: a test's executor",
    }
    verdicts = {row.key: row.result.status for row in record.samples if row.result}
    assert verdicts == listener.verdicts
    for task in ("double", "double_again"):
        assert verdicts[SampleKey(task, "good", 0)] is Status.PASSED
        assert verdicts[SampleKey(task, "wrong", 0)] is Status.NO_CODE  # never executed
        assert verdicts[SampleKey(task, "wrong", 1)] is Status.FAILED
    assert len(good.requests) == len(wrong.requests) == 4


def test_a_failed_generation_is_stored_as_an_error_and_retried_by_resume(
    store: SqlStore, tasks: list[Task]
) -> None:
    def flaky(request: GenerationRequest) -> str:
        if request.sample_index == 1:
            raise ProviderError("HTTP 500: the vendor is down")
        return GOOD

    first = ScriptedProvider(flaky)
    outcome = _run(store, tasks, {"m": first})
    assert outcome.counts == {"api": 2, "cache": 0, "stored": 0, "error": 2}
    failed = {
        key: record.error
        for key, record in store.generations(outcome.run_id).items()
        if record.error
    }
    assert failed == {
        SampleKey("double", "m", 1): "HTTP 500: the vendor is down",
        SampleKey("double_again", "m", 1): "HTTP 500: the vendor is down",
    }
    assert store.completed(outcome.run_id) == {
        SampleKey("double", "m", 0),
        SampleKey("double_again", "m", 0),
    }
    second = ScriptedProvider(lambda request: GOOD)
    resumed = _run(store, tasks, {"m": second}, resume_run=outcome.run_id)
    assert resumed.run_id == outcome.run_id
    assert resumed.counts == {"api": 2, "cache": 0, "stored": 0, "error": 0}
    assert sorted((r.task.id, r.sample_index) for r in second.requests) == [
        ("double", 1),
        ("double_again", 1),
    ]
    assert len(store.completed(outcome.run_id)) == 4


def test_transient_errors_are_retried_up_to_max_attempts(
    store: SqlStore, tasks: list[Task]
) -> None:
    def busy_twice() -> Answer:
        calls: list[int] = []

        def answer(request: GenerationRequest) -> str:
            calls.append(request.sample_index)
            if calls.count(request.sample_index) <= 2:
                raise TransientProviderError("HTTP 503")
            return GOOD

        return answer

    outcome = _run(store, tasks[:1], {"m": ScriptedProvider(busy_twice())}, max_attempts=3)
    assert outcome.counts["api"] == 2 and outcome.counts["error"] == 0
    assert {r.attempts for r in store.generations(outcome.run_id).values()} == {3}
    again = _run(store, tasks[:1], {"m": ScriptedProvider(busy_twice())}, max_attempts=2)
    assert again.counts["error"] == 2  # out of attempts before the answer came
    errors = {r.error for r in store.generations(again.run_id).values()}
    assert errors == {"HTTP 503"}


def test_resume_plans_only_the_samples_without_a_result(store: SqlStore, tasks: list[Task]) -> None:
    """Ctrl-C during grading: the run is interrupted, and resuming pays for nothing again."""
    provider = ScriptedProvider(lambda request: GOOD)
    with pytest.raises(KeyboardInterrupt):
        _run(store, tasks, {"m": provider}, VerdictExecutor(interrupt_after=1))
    (summary,) = store.runs()
    assert summary.status == "interrupted" and summary.graded == 1
    paid = len(provider.requests)
    assert len(store.generations(summary.id)) == paid  # every answer paid for is stored
    listener = Recorder()
    resumed = _run(store, tasks, {"m": provider}, resume_run=summary.id, listener=listener)
    assert resumed.status == "finished"
    assert listener.planned_counts == [(4 - paid, 3)]  # the graded sample is not planned
    assert resumed.counts == {"api": 4 - paid, "cache": 0, "stored": paid - 1, "error": 0}
    assert len(provider.requests) == 4  # each sample was generated once in all
    assert store.run_summary(summary.id).graded == 4


def test_a_second_run_is_answered_from_the_cache_unless_told_not_to(
    store: SqlStore, tasks: list[Task]
) -> None:
    provider = CacheableProvider(lambda request: GOOD)
    first = _run(store, tasks, {"m": provider})
    assert len(provider.requests) == 4
    second = _run(store, tasks, {"m": provider})
    assert second.counts == {"api": 0, "cache": 4, "stored": 0, "error": 0}
    assert len(provider.requests) == 4
    reused = store.generations(second.run_id).values()
    assert {record.cached_from_run for record in reused} == {first.run_id}
    assert store.run_summary(second.run_id).graded == 4
    third = _run(store, tasks, {"m": provider}, use_cache=False)
    assert third.counts["api"] == 4 and len(provider.requests) == 8
    uncacheable = ScriptedProvider(lambda request: GOOD)
    assert _run(store, tasks, {"m": uncacheable}).counts["cache"] == 0


def test_requests_in_flight_never_exceed_max_concurrency(
    store: SqlStore, tasks: list[Task]
) -> None:
    # Two calls must meet at the barrier to go on: a pool of one would break it, and a pool
    # larger than two would let more in at once.
    barrier = threading.Barrier(2, timeout=60)

    def in_pairs(request: GenerationRequest) -> str:
        barrier.wait()
        return GOOD

    provider = ScriptedProvider(in_pairs, max_concurrency=2)
    outcome = _run(store, tasks, {"m": provider}, samples=4)
    assert outcome.counts["api"] == 8
    assert provider.peak == 2


def test_results_that_arrive_out_of_order_are_stored_with_their_own_sample(
    store: SqlStore, tasks: list[Task]
) -> None:
    provider = ScriptedProvider(lambda request: WRONG if request.sample_index % 2 else GOOD)
    outcome = _run(store, tasks, {"m": provider}, VerdictExecutor(reverse=True), samples=4)
    record = store.load_run(outcome.run_id)
    for row in record.samples:
        assert row.result is not None and row.generation is not None
        expected = Status.FAILED if row.key.sample_index % 2 else Status.PASSED
        assert row.result.status is expected, row.key
        assert row.result.execution is not None
        assert row.result.execution.job_id.endswith(f":{row.key.sample_index}")


def test_a_run_whose_every_reference_fails_is_refused(
    store: SqlStore, make_task: Callable[..., Task]
) -> None:
    class FailingReferences(VerdictExecutor):
        def _verdict(self, job: ExecJob) -> ExecResult:
            return ExecResult(job.id, Status.FAILED, message="assert 1 == 2")

    listener = Recorder()
    with pytest.raises(UserError, match="every selected task's reference solution fails"):
        _run(
            store,
            [make_task()],
            {"m": ScriptedProvider(lambda request: GOOD)},
            FailingReferences(),
            listener=listener,
        )
    (summary,) = store.runs()
    assert summary.status == "failed"
    assert store.load_run(summary.id).tasks["double"].reference_ok is False
