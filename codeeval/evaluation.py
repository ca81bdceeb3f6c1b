"""`codeeval.evaluate`: a run from a script or a notebook, as `codeeval run` does it.

It selects the tasks, builds the providers and the executor, runs (or resumes) the run in the
results database, compares it with its baseline, writes its report files and returns a
`RunResult`. The CLI's `run` is this function, plus layered settings and printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from codeeval.config import (
    OutputSettings,
    RunDefinition,
    RunOptions,
    RunSettings,
    build_settings,
)
from codeeval.errors import BadConfig, UserError
from codeeval.listener import ForwardingListener, RunListener
from codeeval.types import Task

if TYPE_CHECKING:
    from codeeval.provider import BaseProvider
    from codeeval.report import GenerationFailure, Regression, ReportData, UnwrittenReport
    from codeeval.runner import RunOutcome
    from codeeval.store import RunSummary, Store


@dataclass(frozen=True, slots=True)
class RunResult:
    """What `evaluate` did: the run, its report, its baseline and the files written.

    Attributes:
        run_id: The run's id in the results database (`codeeval show RUN_ID`).
        status: "finished" (an interrupted run raises KeyboardInterrupt instead).
        report: Everything the reports show (`codeeval.report.ReportData`).
        baseline: The run compared with, or None (no baseline asked for, or none found).
        report_files: Each report format's file, as written.
        unwritten_reports: The report files that could not be written, and why; the run is
            stored, so `codeeval report RUN_ID` can write them later.
        generations: How many generations came from the API, the answer cache, the run's
            own store (a resumed run) or failed for good ("api", "cache", "stored", "error").
        warnings: What the run warned about as it went (skipped tasks, prompt languages).
        default_models_note: Set when no model was named: which models ran, and why.
    """

    run_id: int
    status: str
    report: ReportData
    baseline: RunSummary | None = None
    report_files: Mapping[str, Path] = field(default_factory=dict)
    unwritten_reports: tuple[UnwrittenReport, ...] = ()
    generations: Mapping[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    default_models_note: str | None = None

    @property
    def regressions(self) -> list[Regression]:
        """Drops against the baseline, per model and task (empty without a baseline)."""
        return self.report.regressions

    @property
    def generation_failures(self) -> list[GenerationFailure]:
        """Per model, the generations that failed for good, with the first error."""
        return self.report.generation_failures

    @property
    def all_generations_failed(self) -> bool:
        """True when generations were attempted and every one failed: nothing was graded."""
        failed = self.generations.get("error", 0)
        return bool(failed) and failed == sum(self.generations.values())

    def pass_at(self, k: int = 1) -> dict[str, float | None]:
        """Each model's pass@k over the run's tasks (None where k exceeds its samples)."""
        return {
            model.model: (estimate.value if (estimate := model.pass_at.get(k)) else None)
            for model in self.report.models
        }


def evaluate(
    tasks: str | Sequence[str] | None = None,
    models: str | Sequence[str] | None = None,
    samples: int | None = None,
    *,
    resume: int | None = None,
    listener: RunListener | None = None,
    settings: RunSettings | None = None,
    **values: object,
) -> RunResult:
    """Run tasks × models × samples, compare with the baseline, write the report files.

    Nothing is read from codeeval.toml or CODEEVAL_* variables: a call is defined by its
    arguments (API keys still come from the providers' environment variables).

    Args:
        tasks: What `--tasks` takes: names, "all", a benchmark ("humaneval", "humaneval/0..9"),
            globs ("sorting/*") or task folders. Default: quicksort.
        models: "provider/model" names ("openai/gpt-4o", "reference"). Default: every
            hosted provider whose API key is set, else the reference solution.
        samples: Samples per task and model (default 1).
        resume: Finish the interrupted run with this id. It keeps its stored definition
            (tasks, models, samples, parameters): giving any of them is refused.
        listener: Receives the run's progress (subclass `codeeval.RunListener`).
        settings: Settings already built (the CLI passes those of its flags, environment
            and codeeval.toml); `values` are laid over them.
        **values: Any other setting, by its `[run]` name: `temperature=0.8`, `lang="zh"`,
            `db="results.db"`, `formats=("json", "html")`, `baseline="latest"`,
            `executor="docker"`, `use_cache=False`, ... (see `RunDefinition`, `RunOptions`
            and `OutputSettings`).

    Returns:
        The run's result. A report file that cannot be written does not raise: it is in
        `RunResult.unwritten_reports`.

    Raises:
        UserError: a mistake found before anything is paid for (a bad setting, an unknown
            task, model or format, a missing API key, a run or baseline not in the
            database, a report folder that cannot be made), or every task's reference
            failing; the message says how to fix it.
        KeyboardInterrupt: after marking the run interrupted (resume it with `resume=`).
    """
    given = {"tasks": _names(tasks), "models": _names(models), "samples": samples, **values}
    given = {key: value for key, value in given.items() if value is not None}
    if resume is not None:
        defining = [key for key in given if key in RunDefinition.model_fields]
        if defining:
            raise BadConfig(
                f"resume={resume} finishes the run with its own definition, so "
                f"{', '.join(defining)} would be ignored; drop them, or start a new run"
            )
    if given or settings is None:
        settings = _laid_over(settings or RunSettings(), given)
    return _Evaluation(settings, listener or RunListener()).run(resume)


def _names(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


def _laid_over(settings: RunSettings, values: Mapping[str, object]) -> RunSettings:
    below = {
        **settings.definition.model_dump(),
        **settings.options.model_dump(),
        **settings.output.model_dump(),
    }
    return build_settings(values, below, "settings", given_as="evaluate()")


class _Recorder(ForwardingListener):
    """Passes everything on to the caller's listener, and keeps the warnings."""

    def __init__(self, listener: RunListener) -> None:
        super().__init__(listener)
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self.listener.warn(message)


class _Evaluation:
    """One call of `evaluate`: the store is open from the first check to the last report."""

    def __init__(self, settings: RunSettings, listener: RunListener) -> None:
        self.definition = settings.definition
        self.options: RunOptions = settings.options
        self.output: OutputSettings = settings.output
        self.listener = _Recorder(listener)

    def run(self, resume: int | None) -> RunResult:
        from codeeval.report import check_formats
        from codeeval.store import open_store

        check_formats(self.output.formats)
        store = open_store(self.output.db)
        try:
            if resume is not None:
                self.definition = self._stored_definition(store, resume)
            self._check_before_paying(store)
            tasks = self._tasks()
            models, note = resolve_models(self.definition)
            outcome = self._carry_out(store, tasks, models, resume)
            return self._result(store, outcome, note)
        finally:
            store.close()

    def _stored_definition(self, store: Store, run_id: int) -> RunDefinition:
        """The definition of the run to resume (RunNotFound when there is no such run)."""
        summary = store.run_summary(run_id)
        if summary.status == "finished" and summary.graded:
            self.listener.warn(
                f"run {run_id} already finished; retrying only its failed generations and "
                "ungraded samples, if any, then reporting it again"
            )
        spec = store.load_run(run_id).spec
        # The models the run was started with, even when they were the defaults of its day.
        stored = {**spec.config, "models": list(spec.models)}
        return RunDefinition.from_stored(stored, current=self.definition)

    def _check_before_paying(self, store: Store) -> None:
        """Mistakes that would otherwise surface after the generations are paid for.

        Raises:
            BadConfig: the report folder cannot be made or written, or the baseline is not
                a run id or "latest".
            RunNotFound: the baseline names no run in the database.
        """
        import os

        from codeeval.report.stored import LATEST, resolve_baseline
        from codeeval.store.urls import masked

        root = self.output.report_root()
        where = "--out" if self.output.out else f"report folder for --db {masked(self.output.db)}"
        try:
            root.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise BadConfig(f"{where}: {root} is a file, not a folder; pass --out FOLDER") from None
        except OSError as exc:
            raise BadConfig(
                f"{where}: cannot create {root}: {exc.strerror or exc}; "
                "pass --out a writable folder"
            ) from None
        if not os.access(root, os.W_OK | os.X_OK):
            raise BadConfig(f"{where}: {root} is not writable; pass --out a writable folder")
        wanted = self.output.baseline
        if wanted is not None and wanted != LATEST:
            store.run_summary(resolve_baseline(store, wanted))

    def _tasks(self) -> list[Task]:
        from codeeval.task import select_tasks

        tasks = select_tasks(self.definition.tasks, self.definition.tags)
        if not tasks:
            raise UserError("no task selected; list them with: codeeval tasks list")
        check_lang(tasks, self.definition.lang, self.listener)
        return tasks

    def _carry_out(
        self, store: Store, tasks: Sequence[Task], models: Sequence[str], resume: int | None
    ) -> RunOutcome:
        from codeeval.runner import Runner

        providers = create_providers(models, self.definition)
        try:
            executor = self.options.create_executor(self.definition.sandbox_packages)
            try:
                runner = Runner(store, self.definition, self.options, self.listener)
                outcome = runner.run(tasks, providers, executor, resume_run=resume)
            finally:
                executor.close()
        finally:
            for provider in providers.values():
                provider.close()
        return outcome

    def _result(self, store: Store, outcome: RunOutcome, note: str | None) -> RunResult:
        from codeeval.report import build_report, find_baseline, write_reports
        from codeeval.report.stored import baseline_reason

        run_id = outcome.run_id
        baseline = find_baseline(store, run_id, self.output.baseline)
        data = build_report(
            store.load_run(run_id),
            store.load_run(baseline.id) if baseline is not None else None,
            self.output.regression_threshold,
            baseline_reason=baseline_reason(self.output.baseline),
        )
        files = write_reports(data, self.output.report_folder(run_id), self.output.formats)
        return RunResult(
            run_id=run_id,
            status=outcome.status,
            report=data,
            baseline=baseline,
            report_files=files.written,
            unwritten_reports=files.failed,
            generations=dict(outcome.counts),
            warnings=tuple(self.listener.warnings),
            default_models_note=note,
        )


def resolve_models(definition: RunDefinition) -> tuple[list[str], str | None]:
    """The models to run, and a note when the defaults were used.

    With no model named, every hosted provider whose key is set runs its default model;
    with none set, the `reference` provider runs alone. A model named twice runs once (the
    first mention keeps its place), as a task selected twice does.
    """
    from codeeval.provider import default_models

    if definition.models:
        return list(dict.fromkeys(definition.models)), None
    found = default_models()
    if found:
        return found, f"no --model given; using every provider with a key set: {', '.join(found)}"
    return ["reference"], (
        "no API key set, so only the reference solution ran (a ceiling row); to add a model, "
        "set e.g. OPENAI_API_KEY and pass --model openai/gpt-4o"
    )


def check_lang(tasks: Sequence[Task], lang: str, listener: RunListener) -> None:
    """Refuse a language no selected task is written in; warn about English fallbacks.

    Raises:
        BadConfig: no selected task has a prompt in `lang`.
    """
    missing = [task for task in tasks if lang not in task.prompts]
    if not missing:
        return
    if len(missing) == len(tasks):
        available = sorted({code for task in tasks for code in task.prompts})
        raise BadConfig(
            f"--lang {lang}: no selected task has a prompt in {lang!r}; "
            f"languages available: {', '.join(available)}"
        )
    listener.warn(
        f"--lang {lang}: {len(missing)} of {len(tasks)} task(s) have no {lang!r} prompt "
        f"and get the English one (e.g. {missing[0].id})"
    )


def create_providers(models: Sequence[str], definition: RunDefinition) -> dict[str, BaseProvider]:
    """One provider per model, built before anything is stored (a missing key stops here).

    Raises:
        UserError: an unknown provider, a missing key or SDK, a bad option.
    """
    from codeeval.provider import create_provider

    providers: dict[str, BaseProvider] = {}
    try:
        for model in models:
            providers[model] = create_provider(model, definition.providers, definition.endpoints)
    except BaseException:
        for provider in providers.values():
            provider.close()
        raise
    return providers
