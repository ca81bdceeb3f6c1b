"""One run, end to end: plan → generate → extract → execute → score → store, resumable.

Generations are committed to the store as soon as they arrive, before grading, so an
interrupted run resumes without paying for any finished generation again. Grading overlaps with
generation: each answer is handed to the executor as soon as it is stored.
"""

from __future__ import annotations

import logging
import os
import platform
import queue
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from codeeval import __version__
from codeeval.config import RunConfig
from codeeval.errors import BadConfig, ProviderError, UserError
from codeeval.extract import extract_code
from codeeval.pricing import cost_usd
from codeeval.prompting import build_prompt, cache_key
from codeeval.provider import BaseProvider, create_provider, default_models
from codeeval.retry import RetryPolicy, call_with_retries
from codeeval.sandbox import Executor, create_executor
from codeeval.scoring import score_sample
from codeeval.store import GenerationRecord, Store, TaskRecord
from codeeval.store.owner import host_id
from codeeval.task import select_tasks
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

log = logging.getLogger(__name__)


class RunListener(Protocol):
    """Receives progress; the CLI draws it, tests record it. Must not raise."""

    def started(self, run_id: int) -> None:
        """The run has its id (a new run, or the one being resumed)."""

    def stage(self, message: str) -> None:
        """A new phase of the run started."""

    def warn(self, message: str) -> None:
        """Something the user should know, which does not stop the run."""

    def planned(self, to_generate: int, to_grade: int) -> None:
        """How many generations and gradings this run will do."""

    def generated(self, key: SampleKey, source: str) -> None:
        """A generation is ready; source is api, cache, stored or error."""

    def graded(self, key: SampleKey, status: Status) -> None:
        """A sample has its verdict."""


class SilentListener:
    """A listener that ignores everything."""

    def started(self, run_id: int) -> None:
        """Ignore."""

    def stage(self, message: str) -> None:
        """Ignore."""

    def warn(self, message: str) -> None:
        """Ignore."""

    def planned(self, to_generate: int, to_grade: int) -> None:
        """Ignore."""

    def generated(self, key: SampleKey, source: str) -> None:
        """Ignore."""

    def graded(self, key: SampleKey, status: Status) -> None:
        """Ignore."""


@dataclass(slots=True)
class RunOutcome:
    """What a run did: its id, final status and how its generations were obtained."""

    run_id: int
    status: str
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    default_models_note: str | None = None


def machine_fingerprint() -> dict[str, Any]:
    """Facts about this machine that change timings, stored with every run."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            cpu = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in cpuinfo
                    if line.startswith("model name")
                ),
                platform.processor(),
            )
    except OSError:
        cpu = platform.processor()
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        # Tells machines apart without storing the host's name.
        "host": host_id(),
    }


def resolve_models(config: RunConfig) -> tuple[list[str], str | None]:
    """The models to run, and a note when the defaults were used.

    With no `--model`, every hosted provider whose key is set runs its default model; with
    none set, the `reference` provider runs alone. A model named twice runs once (the first
    mention keeps its place), as a task selected twice does.
    """
    if config.models:
        return list(dict.fromkeys(config.models)), None
    found = default_models()
    if found:
        return found, f"no --model given; using every provider with a key set: {', '.join(found)}"
    return ["reference"], (
        "no API key set, so only the reference solution ran (a ceiling row); to add a model, "
        "set e.g. OPENAI_API_KEY and pass --model openai/gpt-4o (see: codeeval providers)"
    )


def build_spec(config: RunConfig, tasks: Sequence[Task], models: Sequence[str]) -> RunSpec:
    """The stored description of a run (the config holds no secret)."""
    return RunSpec(
        tasks=tuple(task.id for task in tasks),
        models=tuple(models),
        samples=config.samples,
        temperature=config.temperature,
        lang=config.lang,
        config=config.safe_dump(),
        machine=machine_fingerprint(),
        task_hashes={task.id: task.content_hash for task in tasks},
        codeeval_version=__version__,
    )


class Runner:
    """Carries out one run against a store; build it, then call `run()` once."""

    def __init__(
        self,
        config: RunConfig,
        store: Store,
        listener: RunListener | None = None,
        sleep: Any = time.sleep,
    ) -> None:
        self.config = config
        self.store = store
        self.listener = listener or SilentListener()
        self._sleep = sleep
        self._counts: dict[str, int] = {"api": 0, "cache": 0, "stored": 0, "error": 0}
        self._counts_lock = threading.Lock()

    def run(self, resume_run: int | None = None) -> RunOutcome:
        """Run (or resume) and return the outcome; raises KeyboardInterrupt after recording it.

        Raises:
            UserError: a bad task, model, key or option, found before anything is stored.
        """
        tasks = select_tasks(self.config.tasks, self.config.tags)
        if not tasks:
            raise UserError("no task selected; list them with: codeeval tasks list")
        self._check_lang(tasks)
        models, note = resolve_models(self.config)
        providers = self._make_providers(models)
        executor = create_executor(
            self.config.executor,
            workers=self.config.workers,
            packages=self.config.sandbox_packages,
        )
        try:
            if resume_run is None:
                spec = build_spec(self.config, tasks, models)
                isolation = executor.isolation
                if isolation:  # which sandbox protections the kernel allowed, for the record
                    spec = replace(spec, machine={**spec.machine, "sandbox": dict(isolation)})
                run_id = self.store.start_run(spec)
            else:
                run_id = resume_run
                self.store.reopen_run(run_id)
            outcome = RunOutcome(run_id, "running", default_models_note=note)
            self.listener.started(run_id)
            try:
                self._run(run_id, tasks, models, providers, executor, outcome)
            except KeyboardInterrupt:
                self.store.finish_run(run_id, "interrupted")
                raise
            except BaseException:
                self.store.finish_run(run_id, "failed")
                raise
            self.store.finish_run(run_id, "finished")
            outcome.status = "finished"
            outcome.counts = dict(self._counts)
            return outcome
        finally:
            executor.close()
            for provider in providers.values():
                provider.close()

    def _check_lang(self, tasks: Sequence[Task]) -> None:
        """Refuse a language no selected task is written in; warn about English fallbacks."""
        lang = self.config.lang
        missing = [task for task in tasks if lang not in task.prompts]
        if not missing:
            return
        if len(missing) == len(tasks):
            available = sorted({code for task in tasks for code in task.prompts})
            raise BadConfig(
                f"--lang {lang}: no selected task has a prompt in {lang!r}; "
                f"languages available: {', '.join(available)}"
            )
        self.listener.warn(
            f"--lang {lang}: {len(missing)} of {len(tasks)} task(s) have no {lang!r} prompt "
            f"and get the English one (e.g. {missing[0].id})"
        )

    def _make_providers(self, models: Sequence[str]) -> dict[str, BaseProvider]:
        providers: dict[str, BaseProvider] = {}
        try:
            for model in models:
                providers[model] = create_provider(
                    model, self.config.providers, self.config.endpoints
                )
        except BaseException:
            for provider in providers.values():
                provider.close()
            raise
        return providers

    def _run(
        self,
        run_id: int,
        tasks: Sequence[Task],
        models: Sequence[str],
        providers: Mapping[str, BaseProvider],
        executor: Executor,
        outcome: RunOutcome,
    ) -> None:
        self.listener.stage("measuring reference solutions")
        prepared = prepare_tasks(
            tasks,
            executor,
            time_factor=self.config.time_factor,
            min_time_limit_s=self.config.min_time_limit_s,
            memory_mb=self.config.memory_mb,
            complexity_budget_s=self.config.complexity_budget_s,
        )
        usable = self._record_tasks(run_id, tasks, prepared, outcome)
        if not usable:
            raise UserError(
                "every selected task's reference solution fails its own tests, so nothing "
                "can be graded; see: python -m codeeval tasks check"
            )
        done = self.store.completed(run_id)
        plan = [
            SampleKey(task.id, model, index)
            for task in usable
            for model in models
            for index in range(self.config.samples)
            if SampleKey(task.id, model, index) not in done
        ]
        stored = {
            key: record
            for key, record in self.store.generations(run_id).items()
            if record.error is None
        }
        to_generate = sum(1 for key in plan if key not in stored)
        self.listener.planned(to_generate, len(plan))
        self.listener.stage("generating and grading")
        by_id = {task.id: task for task in usable}
        ready: queue.Queue[tuple[SampleKey, GenerationRecord | None] | BaseException] = (
            queue.Queue()
        )
        pools = {
            model: ThreadPoolExecutor(
                max_workers=max(1, providers[model].max_concurrency),
                thread_name_prefix=f"gen-{model}",
            )
            for model in models
        }
        try:
            for key in plan:
                if key in stored:
                    self._count("stored")
                    self.listener.generated(key, "stored")
                    ready.put((key, stored[key]))
                else:
                    pools[key.model].submit(
                        self._generate_into,
                        run_id,
                        key,
                        by_id[key.task_id],
                        providers[key.model],
                        ready,
                    )
            self._grade(run_id, len(plan), ready, by_id, prepared, executor)
        finally:
            # Requests already sent are paid for: let them finish and be stored, so that a
            # resumed run does not send them again. Queued ones are cancelled.
            for pool in pools.values():
                pool.shutdown(wait=True, cancel_futures=True)

    def _record_tasks(
        self,
        run_id: int,
        tasks: Sequence[Task],
        prepared: Mapping[str, PreparedTask],
        outcome: RunOutcome,
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
                message = f"skipping task {task.id}: its reference solution fails: {ready.problem}"
                outcome.warnings.append(message)
                self.listener.warn(message)
        return usable

    def _count(self, source: str) -> None:
        with self._counts_lock:
            self._counts[source] += 1

    def _request(self, task: Task, key: SampleKey, provider: BaseProvider) -> GenerationRequest:
        mode = provider.prompt_mode
        return GenerationRequest(
            task=task,
            prompt=build_prompt(task, self.config.lang, mode),
            sample_index=key.sample_index,
            system=self.config.system_prompt,
            temperature=self.config.temperature,
            top_p=self.config.top_p,
            max_tokens=self.config.max_tokens,
            seed=self.config.seed,
            stop=self.config.stop,
            mode=mode,
        )

    def _generate_into(
        self,
        run_id: int,
        key: SampleKey,
        task: Task,
        provider: BaseProvider,
        ready: queue.Queue[tuple[SampleKey, GenerationRecord | None] | BaseException],
    ) -> None:
        try:
            record, source = self._obtain(run_id, key, task, provider)
            self.store.save_generation(run_id, key, record)
            self._count(source)
            self.listener.generated(key, source)
            ready.put((key, None if record.error else record))
        except BaseException as exc:  # a bug: hand it to the main thread, which re-raises it
            ready.put(exc)

    def _obtain(
        self, run_id: int, key: SampleKey, task: Task, provider: BaseProvider
    ) -> tuple[GenerationRecord, str]:
        request = self._request(task, key, provider)
        cache = cache_key(key.model, request, provider.endpoint) if provider.cacheable else None
        if cache and self.config.use_cache:
            hit = self.store.cached_generation(cache)
            if hit is not None:
                from_run, record = hit
                return replace(record, cached_from_run=from_run, cache_key=cache), "cache"
        started = time.perf_counter()
        try:
            generation, attempts = call_with_retries(
                lambda: provider.generate(request),
                RetryPolicy(max_attempts=self.config.max_attempts),
                sleep=self._sleep,
            )
        except ProviderError as exc:
            return (
                GenerationRecord(prompt=request.prompt, text=None, error=str(exc), cache_key=cache),
                "error",
            )
        latency = generation.latency_s or (time.perf_counter() - started)
        prefix = task.code_prefix if task.prompt_style == "completion" else ""
        extraction = extract_code(generation.text, task.entry_point, prefix)
        method = ";".join(
            [extraction.method, *(["truncated"] if extraction.truncated else []), *extraction.notes]
        )
        return (
            GenerationRecord(
                prompt=request.prompt,
                text=generation.text,
                code=extraction.code,
                extract_method=method,
                raw=generation.raw,
                input_tokens=generation.input_tokens,
                output_tokens=generation.output_tokens,
                finish_reason=generation.finish_reason,
                latency_s=latency,
                first_token_s=generation.first_token_s,
                served_model=generation.served_model,
                peak_memory_mb=generation.peak_memory_mb,
                cost_usd=cost_usd(
                    key.model, generation.input_tokens, generation.output_tokens, self.config.prices
                ),
                attempts=attempts,
                cache_key=cache,
            ),
            "api",
        )

    def _grade(
        self,
        run_id: int,
        expected: int,
        ready: queue.Queue[tuple[SampleKey, GenerationRecord | None] | BaseException],
        tasks: Mapping[str, Task],
        prepared: Mapping[str, PreparedTask],
        executor: Executor,
    ) -> None:
        pending: dict[str, tuple[SampleKey, str]] = {}

        def jobs() -> Iterator[ExecJob]:
            for _ in range(expected):
                item = ready.get()
                if isinstance(item, BaseException):
                    raise item
                key, record = item
                if record is None:  # generation failed for good; a resume retries it
                    continue
                if not record.code:
                    self._save(run_id, key, Status.NO_CODE, None, None, prepared[key.task_id])
                    continue
                job_id = f"{run_id}:{key.task_id}:{key.model}:{key.sample_index}"
                pending[job_id] = (key, record.code)
                yield prepared[key.task_id].job(record.code, job_id)

        for result in executor.run(jobs()):
            key, code = pending.pop(result.job_id)
            self._save(run_id, key, result.status, code, result, prepared[key.task_id])

    def _save(
        self,
        run_id: int,
        key: SampleKey,
        status: Status,
        code: str | None,
        execution: ExecResult | None,
        prepared: PreparedTask,
    ) -> None:
        scores = sample_scores(code, status, execution, prepared, self.config.max_line_length)
        self.store.save_result(run_id, SampleResult(key, status, scores, execution))
        self.listener.graded(key, status)


def sample_scores(
    code: str | None,
    status: Status,
    execution: ExecResult | None,
    prepared: PreparedTask,
    max_line_length: int = 79,
) -> dict[str, float | str | None]:
    """Every per-sample metric of a graded sample, and the labels of its time complexity."""
    timing = execution.timing or execution.timings if execution is not None else None
    return score_sample(
        code,
        status,
        timing,
        prepared.task.time_complexity,
        max_line_length,
        reference=prepared.reference_timing,
        untimed=prepared.timing_note,
    )
