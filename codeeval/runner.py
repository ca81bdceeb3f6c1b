"""One run, end to end: plan → generate → extract → execute → score → store, resumable.

`Runner.run` starts (or reopens) the run in the store, plans what is left to do, and
dispatches it. Planning measures each task's reference in the sandbox and subtracts the
samples the store already holds a result for; dispatch sends the rest to the providers, one
thread pool per model, and grades each answer as soon as it is stored, so grading overlaps
with generation. Generations are committed before grading, so an interrupted run resumes
without paying for any finished generation again.

The runner is given its providers and executor (`codeeval.evaluation` builds them from the
settings and closes them), so a test can hand it fakes that follow the same protocols.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from codeeval import __version__
from codeeval.config import RunDefinition, RunOptions
from codeeval.errors import NothingToGrade, ProviderError
from codeeval.extract import cut_note, cut_response, extract_code
from codeeval.listener import RunListener
from codeeval.machine import machine_fingerprint
from codeeval.pricing import cost_usd
from codeeval.prompting import build_prompt, cache_key
from codeeval.provider import BaseProvider
from codeeval.retry import RetryPolicy, call_with_retries
from codeeval.sandbox import Executor
from codeeval.scoring import scores_to_store
from codeeval.store import GenerationRecord, Store, TaskRecord
from codeeval.task.prepare import PreparedTask, prepare_tasks
from codeeval.types import (
    ExecJob,
    ExecResult,
    GenerationRequest,
    RunSpec,
    SampleKey,
    SampleResult,
    Status,
    Task,
)

# How each generation of a run was obtained, as `RunListener.generated` names it.
SOURCES = ("api", "cache", "stored", "error")

_Ready = queue.Queue[tuple[SampleKey, GenerationRecord | None] | BaseException]


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What a run did: its id, final status and how many generations came from where."""

    run_id: int
    status: str
    counts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class RunPlan:
    """What a run (or its resumption) still has to do.

    `samples` are the samples with no stored result, in the order they are sent; those in
    `stored` already have a successful generation (an interrupted run's), which is graded
    without being generated again.
    """

    tasks: Mapping[str, Task]
    prepared: Mapping[str, PreparedTask]
    samples: tuple[SampleKey, ...]
    stored: Mapping[SampleKey, GenerationRecord]

    @property
    def to_generate(self) -> int:
        """How many samples need a new generation."""
        return sum(1 for key in self.samples if key not in self.stored)


def build_spec(
    definition: RunDefinition,
    tasks: Sequence[Task],
    models: Sequence[str],
    sandbox: Mapping[str, str] | None = None,
) -> RunSpec:
    """The stored description of a run: its definition (no secret), tasks and machine.

    Args:
        definition: What the run measures.
        tasks: The tasks selected, with the content hashes stored beside their ids.
        models: The models, in order.
        sandbox: How the executor contains programs here (`Executor.isolation`, plus the
            executor's name), stored with the machine's facts.
    """
    machine = machine_fingerprint()
    if sandbox:
        machine["sandbox"] = dict(sandbox)
    return RunSpec(
        tasks=tuple(task.id for task in tasks),
        models=tuple(models),
        samples=definition.samples,
        temperature=definition.temperature,
        lang=definition.lang,
        config=definition.safe_dump(),
        machine=machine,
        task_hashes={task.id: task.content_hash for task in tasks},
        codeeval_version=__version__,
    )


class Runner:
    """Carries out one run against a store; build it, then call `run()` once."""

    def __init__(
        self,
        store: Store,
        definition: RunDefinition,
        options: RunOptions | None = None,
        listener: RunListener | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.definition = definition
        self.options = options or RunOptions()
        self.listener = listener or RunListener()
        self._sleep = sleep
        self._counts = dict.fromkeys(SOURCES, 0)
        self._counts_lock = threading.Lock()

    def run(
        self,
        tasks: Sequence[Task],
        providers: Mapping[str, BaseProvider],
        executor: Executor,
        *,
        resume_run: int | None = None,
    ) -> RunOutcome:
        """Run (or resume) `tasks` × `providers` (one per model, in order) × samples.

        The caller owns `providers` and `executor`, and closes them. On Ctrl-C the run is
        marked interrupted and KeyboardInterrupt is raised again; on any other error it is
        marked failed.

        Raises:
            UserError: every task's reference fails, so nothing can be graded.
        """
        models = list(providers)
        if resume_run is None:
            sandbox = {"executor": self.options.executor, **executor.isolation}
            run_id = self.store.start_run(build_spec(self.definition, tasks, models, sandbox))
        else:
            run_id = resume_run
            self.store.reopen_run(run_id)
        self.listener.started(run_id)
        try:
            plan = self.plan(run_id, tasks, models, executor)
            self.dispatch(run_id, plan, providers, executor)
        except KeyboardInterrupt:
            self.store.finish_run(run_id, "interrupted")
            raise
        except BaseException:
            self.store.finish_run(run_id, "failed")
            raise
        self.store.finish_run(run_id, "finished")
        with self._counts_lock:
            return RunOutcome(run_id, "finished", dict(self._counts))

    # -- planning ----------------------------------------------------------------------

    def plan(
        self, run_id: int, tasks: Sequence[Task], models: Sequence[str], executor: Executor
    ) -> RunPlan:
        """Measure each task's reference, record the tasks, and list what is left to do.

        Raises:
            UserError: every task's reference fails its own tests.
        """
        self.listener.stage("measuring reference solutions")
        definition = self.definition
        prepared = prepare_tasks(
            tasks,
            executor,
            time_factor=definition.time_factor,
            min_time_limit_s=definition.min_time_limit_s,
            memory_mb=definition.memory_mb,
            complexity_budget_s=definition.complexity_budget_s,
        )
        usable = self._record_tasks(run_id, tasks, prepared)
        if not usable:
            raise NothingToGrade(
                "every selected task's reference solution fails its own tests, so nothing "
                "can be graded; see: python -m codeeval tasks check"
            )
        done = self.store.completed(run_id)
        samples = tuple(
            key
            for task in usable
            for model in models
            for index in range(definition.samples)
            if (key := SampleKey(task.id, model, index)) not in done
        )
        wanted = set(samples)
        stored = {
            key: record
            for key, record in self.store.generations(run_id).items()
            if record.error is None and key in wanted
        }
        return RunPlan({task.id: task for task in usable}, prepared, samples, stored)

    def _record_tasks(
        self, run_id: int, tasks: Sequence[Task], prepared: Mapping[str, PreparedTask]
    ) -> list[Task]:
        usable = []
        for task in tasks:
            ready = prepared[task.id]
            self.store.save_task(
                run_id,
                TaskRecord(
                    task_id=task.id,
                    content_hash=task.content_hash,
                    time_limit_s=ready.time_limit_s,
                    reference_ok=ready.ok,
                    problem=ready.problem,
                    optimal_complexity=task.time_complexity,
                    tags=task.tags,
                ),
            )
            if ready.ok:
                usable.append(task)
            else:
                self.listener.warn(
                    f"skipping task {task.id}: its reference solution fails: {ready.problem}"
                )
        return usable

    # -- dispatch ----------------------------------------------------------------------

    def dispatch(
        self,
        run_id: int,
        plan: RunPlan,
        providers: Mapping[str, BaseProvider],
        executor: Executor,
    ) -> None:
        """Generate what `plan` lacks, one pool per model, and grade each answer as it comes.

        A model's pool has `max_concurrency` threads: no more of its requests are in flight
        at once. On an error or Ctrl-C, requests already sent finish and are stored (they
        are paid for); queued ones are cancelled.
        """
        self.listener.planned(plan.to_generate, len(plan.samples))
        self.listener.stage("generating and grading")
        ready: _Ready = queue.Queue()
        pools = {
            model: ThreadPoolExecutor(
                max_workers=max(1, provider.max_concurrency), thread_name_prefix=f"gen-{model}"
            )
            for model, provider in providers.items()
        }
        try:
            for key in plan.samples:
                if key in plan.stored:
                    self._count("stored")
                    self.listener.generated(key, "stored")
                    ready.put((key, plan.stored[key]))
                else:
                    pools[key.model].submit(
                        self._generate_into,
                        run_id,
                        key,
                        plan.tasks[key.task_id],
                        providers[key.model],
                        ready,
                    )
            self._execute(run_id, plan, ready, executor)
        finally:
            for pool in pools.values():
                pool.shutdown(wait=True, cancel_futures=True)

    def _count(self, source: str) -> None:
        with self._counts_lock:
            self._counts[source] += 1

    def _request(self, task: Task, key: SampleKey, provider: BaseProvider) -> GenerationRequest:
        mode = provider.prompt_mode
        definition = self.definition
        return GenerationRequest(
            task=task,
            prompt=build_prompt(task, definition.lang, mode),
            sample_index=key.sample_index,
            system=definition.system_prompt,
            temperature=definition.temperature,
            top_p=definition.top_p,
            max_tokens=definition.max_tokens,
            seed=definition.seed,
            stop=definition.stop,
            mode=mode,
        )

    def _generate_into(
        self, run_id: int, key: SampleKey, task: Task, provider: BaseProvider, ready: _Ready
    ) -> None:
        try:
            record, source = self._obtain(key, task, provider)
            self.store.save_generation(run_id, key, record)
            self._count(source)
            self.listener.generated(key, source)
            ready.put((key, None if record.error else record))
        except BaseException as exc:  # a bug: hand it to the main thread, which re-raises it
            ready.put(exc)

    def _obtain(
        self, key: SampleKey, task: Task, provider: BaseProvider
    ) -> tuple[GenerationRecord, str]:
        request = self._request(task, key, provider)
        cache = cache_key(key.model, request, provider.endpoint) if provider.cacheable else None
        if cache and self.options.use_cache:
            hit = self.store.cached_generation(cache)
            if hit is not None:
                from_run, record = hit
                return replace(record, cached_from_run=from_run, cache_key=cache), "cache"
        started = time.perf_counter()
        try:
            generation, attempts = call_with_retries(
                lambda: provider.generate(request),
                RetryPolicy(max_attempts=self.options.max_attempts),
                sleep=self._sleep,
            )
        except ProviderError as exc:
            return (
                GenerationRecord(prompt=request.prompt, text=None, error=str(exc), cache_key=cache),
                "error",
            )
        latency = generation.latency_s or (time.perf_counter() - started)
        # Whatever a model sends, every later stage (extraction, store, sandbox, metrics)
        # sees at most max_response_bytes of it.
        limit = self.definition.max_response_bytes
        text, cut = cut_response(generation.text, limit)
        prefix = task.code_prefix if task.prompt_style == "completion" else ""
        extraction = extract_code(text, task.entry_point, prefix)
        method = ";".join(
            [
                extraction.method,
                *(["truncated"] if extraction.truncated else []),
                *extraction.notes,
                *([cut_note(limit)] if cut else []),
            ]
        )
        return (
            GenerationRecord(
                prompt=request.prompt,
                text=text,
                code=extraction.code,
                extract_method=method,
                raw={"omitted": cut_note(limit)} if cut else generation.raw,
                input_tokens=generation.input_tokens,
                output_tokens=generation.output_tokens,
                finish_reason=generation.finish_reason,
                latency_s=latency,
                first_token_s=generation.first_token_s,
                served_model=generation.served_model,
                peak_memory_mb=generation.peak_memory_mb,
                cost_usd=cost_usd(
                    key.model,
                    generation.input_tokens,
                    generation.output_tokens,
                    self.definition.prices,
                ),
                attempts=attempts,
                cache_key=cache,
            ),
            "api",
        )

    def _execute(self, run_id: int, plan: RunPlan, ready: _Ready, executor: Executor) -> None:
        """Hand each stored answer to the executor as it arrives; store each verdict."""
        pending: dict[str, tuple[SampleKey, str]] = {}

        def jobs() -> Iterator[ExecJob]:
            for _ in plan.samples:
                item = ready.get()
                if isinstance(item, BaseException):
                    raise item
                key, record = item
                if record is None:  # generation failed for good; a resume retries it
                    continue
                if not record.code:
                    self._save(run_id, key, Status.NO_CODE, None, None, plan.prepared[key.task_id])
                    continue
                job_id = f"{run_id}:{key.task_id}:{key.model}:{key.sample_index}"
                pending[job_id] = (key, record.code)
                yield plan.prepared[key.task_id].job(record.code, job_id)

        for result in executor.run(jobs()):
            key, code = pending.pop(result.job_id)
            self._save(run_id, key, result.status, code, result, plan.prepared[key.task_id])

    def _save(
        self,
        run_id: int,
        key: SampleKey,
        status: Status,
        code: str | None,
        execution: ExecResult | None,
        prepared: PreparedTask,
    ) -> None:
        scores = sample_scores(code, status, execution, prepared, self.definition.max_line_length)
        self.store.save_result(run_id, SampleResult(key, status, scores, execution))
        self.listener.graded(key, status)


def sample_scores(
    code: str | None,
    status: Status,
    execution: ExecResult | None,
    prepared: PreparedTask,
    max_line_length: int = 79,
) -> dict[str, float | str | None]:
    """Every score stored for a graded sample (`codeeval.scoring.scores_to_store`)."""
    timing = execution.timing or execution.timings if execution is not None else None
    return scores_to_store(
        code,
        status,
        timing,
        prepared.task.time_complexity,
        max_line_length,
        reference=prepared.reference_timing,
        untimed=prepared.timing_note,
    )
