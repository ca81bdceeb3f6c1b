"""`codeeval run`: generate, grade, score and report, with resume and baselines."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from codeeval import registry
from codeeval.cli._app import (
    ConfigOption,
    DbOption,
    JsonOption,
    SandboxPackageOption,
    app,
    split_values,
    stderr,
    stdout,
)
from codeeval.errors import BadConfig, StoreError

# What `--resume` takes from the command line; every other setting is the stored run's.
_RESUME_FLAGS = {
    "resume",
    "db",
    "out",
    "report_format",
    "baseline",
    "fail_on_regression",
    "json_output",
    "config_file",
}


@app.command()
def run(
    ctx: typer.Context,
    tasks: Annotated[
        list[str] | None,
        typer.Option(
            "--tasks",
            "-t",
            envvar="CODEEVAL_TASKS",
            help="Tasks: names, 'all', a benchmark (humaneval), globs ('sorting/*'), "
            "or folders; comma-separated or repeated.",
        ),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Keep only tasks with a tag.")
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            envvar="CODEEVAL_MODELS",
            help="provider/model, repeatable (openai/gpt-4o, anthropic/claude-sonnet-4-5). "
            "Default: every provider whose API key is set, else the reference.",
        ),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples", "-n", envvar="CODEEVAL_SAMPLES", help="Samples per task and model."
        ),
    ] = None,
    temperature: Annotated[
        float | None, typer.Option("--temperature", envvar="CODEEVAL_TEMPERATURE")
    ] = None,
    top_p: Annotated[float | None, typer.Option("--top-p", envvar="CODEEVAL_TOP_P")] = None,
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", envvar="CODEEVAL_MAX_TOKENS")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", envvar="CODEEVAL_SEED")] = None,
    system: Annotated[str | None, typer.Option("--system", help="System prompt.")] = None,
    stop: Annotated[
        list[str] | None, typer.Option("--stop", help="Stop sequence (repeatable).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", envvar="CODEEVAL_LANG", help="Prompt language: en, zh.")
    ] = None,
    executor: Annotated[
        str | None,
        typer.Option("--executor", envvar="CODEEVAL_EXECUTOR", help="Sandbox: local, docker."),
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", envvar="CODEEVAL_WORKERS")] = None,
    sandbox_package: SandboxPackageOption = None,
    db: DbOption = None,
    out: Annotated[
        str | None, typer.Option("--out", envvar="CODEEVAL_OUT", help="Folder for report files.")
    ] = None,
    report_format: Annotated[
        list[str] | None,
        typer.Option("--format", help="Report files to write: json, markdown, html."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Send every request, even ones answered before.")
    ] = False,
    replay: Annotated[
        str | None, typer.Option("--replay", help="JSONL of recorded responses for replay/ models.")
    ] = None,
    resume: Annotated[
        int | None, typer.Option("--resume", help="Resume an interrupted run by id.")
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline", envvar="CODEEVAL_BASELINE", help="Run id to compare against, or 'latest'."
        ),
    ] = None,
    fail_on_regression: Annotated[
        bool, typer.Option("--fail-on-regression", help="Exit 1 when a regression is flagged.")
    ] = False,
    max_attempts: Annotated[
        int | None,
        typer.Option(
            "--max-attempts",
            envvar="CODEEVAL_MAX_ATTEMPTS",
            help="Tries per generation (429/5xx/timeouts back off and retry).",
        ),
    ] = None,
    time_factor: Annotated[float | None, typer.Option("--time-factor")] = None,
    min_time_limit: Annotated[float | None, typer.Option("--min-time-limit")] = None,
    memory_mb: Annotated[int | None, typer.Option("--memory-mb")] = None,
    complexity_budget: Annotated[
        float | None,
        typer.Option(
            "--complexity-budget",
            envvar="CODEEVAL_COMPLEXITY_BUDGET",
            help="CPU seconds of timing per passing sample for its time complexity (3).",
        ),
    ] = None,
    max_line_length: Annotated[int | None, typer.Option("--max-line-length")] = None,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """Generate, grade and score: tasks x models x samples, then print the comparison."""
    from codeeval.config import load_run_config

    if resume is not None:
        _refuse_flags_resume_ignores(ctx, resume)
    cli_values: dict[str, Any] = {
        "tasks": split_values(tasks),
        "tags": split_values(tag),
        "models": split_values(model),
        "samples": samples,
        "temperature": temperature,
        "top_p": top_p,
        "max_tokens": max_tokens,
        "seed": seed,
        "system_prompt": system,
        "stop": tuple(stop) if stop else None,
        "lang": lang,
        "executor": executor,
        "workers": workers,
        "sandbox_packages": split_values(sandbox_package),
        "db": db,
        "out": out,
        "formats": split_values(report_format),
        "use_cache": False if no_cache else None,
        "baseline": baseline,
        "time_factor": time_factor,
        "min_time_limit_s": min_time_limit,
        "memory_mb": memory_mb,
        "complexity_budget_s": complexity_budget,
        "max_line_length": max_line_length,
        "max_attempts": max_attempts,
    }
    config = load_run_config(cli_values, config_file)
    if replay:
        providers = {
            **config.providers,
            "replay": {**config.providers.get("replay", {}), "path": replay},
        }
        config = config.model_copy(update={"providers": providers})
    _check_formats(config.formats)
    _run_and_report(config, resume, fail_on_regression, json_output)


def _refuse_flags_resume_ignores(ctx: typer.Context, resume: int) -> None:
    """A resumed run keeps its own tasks, models and parameters; a flag changing them is refused.

    Environment variables are not refused: they set defaults for new runs.

    Raises:
        BadConfig: a flag given on the command line that --resume would ignore.
    """
    given = [
        param.opts[0]
        for param in ctx.command.params
        if param.name not in _RESUME_FLAGS
        # ParameterSource.COMMANDLINE, by name: typer vendors click in a private module.
        and getattr(ctx.get_parameter_source(param.name or ""), "name", "") == "COMMANDLINE"
    ]
    if given:
        raise BadConfig(
            f"--resume {resume} finishes the run with its own settings, so {', '.join(given)} "
            "would be ignored; drop them, or start a new run with them"
        )


def _check_formats(formats: tuple[str, ...]) -> None:
    for name in formats:
        registry.resolve(registry.RENDERERS, name)


def _run_and_report(config: Any, resume: int | None, fail: bool, json_output: bool) -> None:
    from codeeval.config import RunConfig
    from codeeval.console import ProgressListener
    from codeeval.runner import Runner
    from codeeval.store.sql import SqlStore
    from codeeval.store.urls import restore_passwords

    store = SqlStore(config.db)
    try:
        if resume is not None:
            stored = store.load_run(resume)
            if stored.summary.status == "finished" and stored.summary.graded:
                stderr.print(f"run {resume} already finished; re-reporting it", markup=False)
            config = RunConfig.model_validate(
                {
                    **restore_passwords(stored.spec.config, config.model_dump(mode="json")),
                    "db": config.db,
                    "out": config.out,
                    "formats": config.formats,
                    "baseline": config.baseline,
                }
            )
        _check_before_paying(store, config)
        listener = ProgressListener(stderr)
        try:
            with listener:
                outcome = Runner(config, store, listener).run(resume_run=resume)
        except KeyboardInterrupt:
            if listener.run_id is not None:
                stderr.print(
                    f"interrupted; resume with: python -m codeeval run --resume {listener.run_id}",
                    markup=False,
                )
            raise typer.Exit(130) from None
        if outcome.default_models_note:
            stderr.print(outcome.default_models_note, markup=False)
        regressions = _report(store, outcome.run_id, config, json_output)
    finally:
        store.close()
    failed, obtained = outcome.counts.get("error", 0), sum(outcome.counts.values())
    if failed and failed == obtained:  # nothing generated: a nightly job must notice
        stderr.print(
            f"error: run {outcome.run_id}: all {failed} generation(s) failed, so nothing was "
            f"graded; fix the provider, then: python -m codeeval run --resume {outcome.run_id}",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(1)
    if fail and regressions:
        raise typer.Exit(1)


def _check_before_paying(store: Any, config: Any) -> None:
    """Mistakes that would otherwise surface after the generations are paid for.

    Raises:
        BadConfig: the report folder cannot be created or written, or --baseline names no run.
    """
    from codeeval.store.urls import masked

    root = config.report_root()
    where = "--out" if config.out else f"report folder for --db {masked(config.db)}"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BadConfig(f"{where}: {root} is a file, not a folder; pass --out FOLDER") from None
    except OSError as exc:
        raise BadConfig(
            f"{where}: cannot create {root}: {exc.strerror or exc}; pass --out a writable folder"
        ) from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise BadConfig(f"{where}: {root} is not writable; pass --out a writable folder")
    if config.baseline is not None and config.baseline != "latest":
        if not config.baseline.isdigit():
            raise BadConfig(f"--baseline: {config.baseline!r}: give a run id or 'latest'")
        try:
            store.load_run(int(config.baseline))
        except StoreError:
            raise BadConfig(
                f"--baseline {config.baseline}: no such run in {masked(config.db)}; "
                "list runs with: codeeval runs"
            ) from None


def print_summary(data: Any) -> None:
    """The comparison table, then deployment figures, paired tests and warnings."""
    from codeeval.console import (
        comparison_lines,
        comparison_table,
        deployment_table,
        pass_at_k_table,
    )

    stdout.print(comparison_table(data))
    pass_at_k = pass_at_k_table(data)
    if pass_at_k is not None:
        stdout.print(pass_at_k)
    deployment = deployment_table(data)
    if deployment is not None:
        stdout.print(deployment)
    for line in comparison_lines(data):
        stdout.print(line, markup=False, highlight=False)
    for warning in data.warnings:
        stdout.print(f"warning: {warning}", style="yellow", markup=False)
    _warn_failures(data)


def _warn_failures(data: Any) -> None:
    for failure in data.generation_failures:
        stderr.print(
            f"warning: {failure.count} generation(s) failed for {failure.model} after retries "
            f"(first error: {failure.first_error}); resume with --resume {data.run.id} to "
            "retry them",
            style="yellow",
            markup=False,
            highlight=False,
        )


def baseline_id_for(store: Any, wanted: str | None, run_id: int) -> int | None:
    """The baseline run for `run_id`: an id as given, or the latest comparable run.

    "latest" is the newest finished run before `run_id` sharing a model and a task with it
    (None when there is none).

    Raises:
        BadConfig: `wanted` is neither a run id nor "latest".
    """
    if wanted is None:
        return None
    if wanted == "latest":
        current = store.load_run(run_id).spec
        for summary in store.runs(limit=200):
            if (
                summary.id < run_id
                and summary.status == "finished"
                and (set(summary.models) & set(current.models))
                and set(summary.tasks) & set(current.tasks)
            ):
                return int(summary.id)
        return None
    if not wanted.isdigit():
        raise BadConfig(f"--baseline: {wanted!r}: give a run id or 'latest'")
    return int(wanted)


def _report(store: Any, run_id: int, config: Any, json_output: bool) -> int:
    from codeeval.report import build_report

    baseline_id = baseline_id_for(store, config.baseline, run_id)
    baseline = store.load_run(baseline_id) if baseline_id is not None else None
    data = build_report(store.load_run(run_id), baseline, config.regression_threshold)
    folder = config.report_root() / f"run-{run_id}"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in config.formats:
        render = registry.resolve(registry.RENDERERS, name)
        suffix = registry.resolve_attribute(registry.RENDERERS, name, "SUFFIX")
        path = folder / f"report{suffix}"
        path.write_text(render(data), encoding="utf-8")
        written.append(path)
    if json_output:
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
        _warn_failures(data)
    else:
        print_summary(data)
        for regression in data.regressions:
            where = regression.task_id or "all shared tasks"
            stdout.print(
                f"REGRESSION {regression.model} on {where}: {regression.metric} "
                f"{regression.baseline:.1%} → {regression.current:.1%}",
                style="bold red",
                markup=False,
            )
        stdout.print(f"run {run_id}; reports: " + ", ".join(str(p) for p in written), markup=False)
    return len(data.regressions)
