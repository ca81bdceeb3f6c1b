"""`codeeval run`: generate, grade, score and report, with resume and baselines."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from codeeval.cli._app import (
    ConfigOption,
    DbOption,
    Hints,
    JsonOption,
    SandboxPackageOption,
    app,
    load_run,
    open_store_at,
    split_values,
    stderr,
    stdout,
)
from codeeval.errors import BadConfig, OutputNotWritable, RunNotFound

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
    max_line_length: Annotated[int | None, typer.Option("--max-line-length")] = None,
    max_response_bytes: Annotated[
        int | None,
        typer.Option(
            "--max-response-bytes",
            envvar="CODEEVAL_MAX_RESPONSE_BYTES",
            help="Cut longer responses there before storing and grading them (default 1000000).",
        ),
    ] = None,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """Generate, grade and score: tasks x models x samples, then print the comparison."""
    from codeeval.config import load_run_config
    from codeeval.report import check_formats

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
        "max_line_length": max_line_length,
        "max_attempts": max_attempts,
        "max_response_bytes": max_response_bytes,
    }
    config = load_run_config(cli_values, config_file)
    if replay:
        providers = {
            **config.providers,
            "replay": {**config.providers.get("replay", {}), "path": replay},
        }
        config = config.model_copy(update={"providers": providers})
    check_formats(config.formats)
    _run_and_report(config, resume, fail_on_regression, json_output, Hints(db, config_file))


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


def _run_and_report(
    config: Any, resume: int | None, fail: bool, json_output: bool, hints: Hints
) -> None:
    from codeeval.config import RunConfig
    from codeeval.console import ProgressListener
    from codeeval.runner import Runner
    from codeeval.store.urls import restore_passwords

    store = open_store_at(config.db)
    try:
        if resume is not None:
            stored = load_run(store, resume, hints)
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
        _check_before_paying(store, config, hints)
        listener = ProgressListener(stderr)
        try:
            with listener:
                outcome = Runner(config, store, listener).run(resume_run=resume)
        except KeyboardInterrupt:
            if listener.run_id is not None:
                resume_hint = hints.command("run", "--resume", str(listener.run_id))
                stderr.print(
                    f"interrupted; resume with: {resume_hint}", markup=False, highlight=False
                )
            raise typer.Exit(130) from None
        if outcome.default_models_note:
            providers_hint = hints.command("providers", db=False)
            stderr.print(
                f"{outcome.default_models_note}; see: {providers_hint}",
                markup=False,
                highlight=False,
            )
        regressions = _report(store, outcome.run_id, config, json_output, hints)
    finally:
        store.close()
    failed, obtained = outcome.counts.get("error", 0), sum(outcome.counts.values())
    if failed and failed == obtained:  # nothing generated: a nightly job must notice
        stderr.print(
            f"error: run {outcome.run_id}: all {failed} generation(s) failed, so nothing was "
            f"graded; fix the provider, then: "
            f"{hints.command('run', '--resume', str(outcome.run_id))}",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(1)
    if fail and regressions:
        raise typer.Exit(1)


def _check_before_paying(store: Any, config: Any, hints: Hints) -> None:
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
        except RunNotFound:
            raise BadConfig(
                f"--baseline {config.baseline}: no such run in this database; "
                f"list the runs with: {hints.command('runs')}"
            ) from None


def print_summary(data: Any, hints: Hints) -> None:
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
    _warn_failures(data, hints)


def _warn_failures(data: Any, hints: Hints) -> None:
    for failure in data.generation_failures:
        stderr.print(
            f"warning: {failure.count} generation(s) failed for {failure.model} after retries "
            f"(first error: {failure.first_error}); to retry them: "
            f"{hints.command('run', '--resume', str(data.run.id))}",
            style="yellow",
            markup=False,
            highlight=False,
        )


def _report(store: Any, run_id: int, config: Any, json_output: bool, hints: Hints) -> int:
    from codeeval.report import build_report_for, write_reports

    data = build_report_for(
        store, run_id, baseline=config.baseline, regression_threshold=config.regression_threshold
    )
    files = write_reports(data, config.report_root() / f"run-{run_id}", config.formats)
    if json_output:
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
        _warn_failures(data, hints)
    else:
        print_summary(data, hints)
        for regression in data.regressions:
            where = regression.task_id or "all shared tasks"
            stdout.print(
                f"REGRESSION {regression.model} on {where}: {regression.metric} "
                f"{regression.baseline:.1%} → {regression.current:.1%}",
                style="bold red",
                markup=False,
            )
        written = ", ".join(str(path) for path in files.written.values())
        stdout.print(f"run {run_id}; reports: {written}", markup=False)
    if files.failed:
        first = files.failed[0]
        others = f" (and {len(files.failed) - 1} other report(s))" if len(files.failed) > 1 else ""
        again = hints.command("report", str(run_id), "--format", first.format)
        raise OutputNotWritable(
            f"cannot write {first.path}{others}: {first.reason}; run {run_id} is stored in the "
            f"database, so nothing is lost: write it with: {again}"
        )
    return len(data.regressions)
