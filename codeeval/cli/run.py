"""`codeeval run`: `codeeval.evaluate` with layered settings, progress bars and a summary."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from codeeval.cli._app import (
    ConfigOption,
    DbOption,
    DockerImageOption,
    ExecutorOption,
    Hints,
    JsonOption,
    RayAddressOption,
    SandboxPackageOption,
    WorkersOption,
    app,
    check_ray_address,
    executor_flag_options,
    load_settings,
    run_not_found,
    split_values,
    stderr,
    stdout,
)
from codeeval.cli._summary import print_summary, warn_failures
from codeeval.errors import BadConfig, OutputNotWritable, RunNotFound

if TYPE_CHECKING:
    from codeeval.config import RunSettings
    from codeeval.evaluation import RunResult

# Every flag of `run` sets the setting of its parameter's name, except these two, which set
# another, and the switches of one invocation. The flags that set a part of the definition
# (RunDefinition) are refused with --resume; tests/cli/test_run_flags.py checks that every
# flag sets a setting or is a switch.
_FLAG_SETTINGS = {
    "replay": "providers",
    "no_cache": "use_cache",
    "docker_image": "executor_options",
    "ray_address": "executor_options",
}
_SWITCHES = ("resume", "fail_on_regression", "json_output", "config_file")


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
    tags: Annotated[
        list[str] | None, typer.Option("--tag", help="Keep only tasks with a tag.")
    ] = None,
    models: Annotated[
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
    system_prompt: Annotated[str | None, typer.Option("--system", help="System prompt.")] = None,
    stop: Annotated[
        list[str] | None, typer.Option("--stop", help="Stop sequence (repeatable).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", envvar="CODEEVAL_LANG", help="Prompt language: en, zh.")
    ] = None,
    executor: ExecutorOption = None,
    workers: WorkersOption = None,
    sandbox_packages: SandboxPackageOption = None,
    docker_image: DockerImageOption = None,
    ray_address: RayAddressOption = None,
    db: DbOption = None,
    out: Annotated[
        str | None,
        typer.Option("--out", envvar="CODEEVAL_OUT", help="Folder that receives run-N/."),
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", help="Report files to write: json, markdown, html; repeatable."),
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
    min_time_limit_s: Annotated[float | None, typer.Option("--min-time-limit")] = None,
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
    if resume is not None:
        _refuse_definition_flags(ctx, resume)
    settings = load_settings(
        {
            "tasks": split_values(tasks),
            "tags": split_values(tags),
            "models": split_values(models),
            "samples": samples,
            "temperature": temperature,
            "top_p": top_p,
            "max_tokens": max_tokens,
            "seed": seed,
            "system_prompt": system_prompt,
            "stop": tuple(stop) if stop else None,
            "lang": lang,
            "executor": executor,
            "workers": workers,
            "sandbox_packages": split_values(sandbox_packages),
            "executor_options": executor_flag_options(docker_image, ray_address),
            "db": db,
            "out": out,
            "formats": split_values(formats),
            "use_cache": False if no_cache else None,
            "providers": {"replay": {"path": replay}} if replay else None,
            "baseline": baseline,
            "time_factor": time_factor,
            "min_time_limit_s": min_time_limit_s,
            "memory_mb": memory_mb,
            "complexity_budget_s": complexity_budget,
            "max_line_length": max_line_length,
            "max_attempts": max_attempts,
            "max_response_bytes": max_response_bytes,
        },
        config_file,
    )
    check_ray_address(ray_address, settings.options.executor)
    hints = Hints(db, config_file)
    result = _evaluate(settings, resume, hints)
    if result.default_models_note:
        providers_hint = hints.command("providers", db=False)
        stderr.print(
            f"{result.default_models_note}; see: {providers_hint}", markup=False, highlight=False
        )
    _show(result, json_output, hints)
    if result.unwritten_reports:
        first, others = result.unwritten_reports[0], len(result.unwritten_reports) - 1
        again = hints.command("report", str(result.run_id), "--format", first.format)
        raise OutputNotWritable(
            f"cannot write {first.path}"
            + (f" (and {others} other report(s))" if others else "")
            + f": {first.reason}; run {result.run_id} is stored in the database, so nothing "
            f"is lost: write it with: {again}"
        )
    if result.all_generations_failed:  # nothing generated: a nightly job must notice
        failed = result.generations.get("error", 0)
        stderr.print(
            f"error: run {result.run_id}: all {failed} generation(s) failed, so nothing was "
            f"graded; fix the provider, then: "
            f"{hints.command('run', '--resume', str(result.run_id))}",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(1)
    if fail_on_regression and result.regressions:
        raise typer.Exit(1)


def flag_setting(name: str) -> str | None:
    """The setting a flag of `run` sets (by its parameter's name); None for a switch."""
    if name in _SWITCHES:
        return None
    return _FLAG_SETTINGS.get(name, name)


def _refuse_definition_flags(ctx: typer.Context, resume: int) -> None:
    """A resumed run keeps its own definition; a flag that would change it is refused.

    Environment variables are not refused: they set defaults for new runs.

    Raises:
        BadConfig: a flag of the definition given on the command line.
    """
    from codeeval.config import RunDefinition

    given = [
        param.opts[0]
        for param in ctx.command.params
        if param.opts
        and flag_setting(param.name or "") in RunDefinition.model_fields
        # ParameterSource.COMMANDLINE, by name: typer vendors click in a private module.
        and getattr(ctx.get_parameter_source(param.name or ""), "name", "") == "COMMANDLINE"
    ]
    if given:
        raise BadConfig(
            f"--resume {resume} finishes the run with its own settings, so {', '.join(given)} "
            "would be ignored; drop them, or start a new run with them"
        )


def _evaluate(settings: RunSettings, resume: int | None, hints: Hints) -> RunResult:
    """`codeeval.evaluate` with progress bars; Ctrl-C prints the resume command, exits 130."""
    from codeeval.console import ProgressListener
    from codeeval.evaluation import evaluate

    listener = ProgressListener(stderr)
    try:
        with listener:
            return evaluate(settings=settings, resume=resume, listener=listener)
    except KeyboardInterrupt:
        if listener.run_id is not None:
            resume_hint = hints.command("run", "--resume", str(listener.run_id))
            stderr.print(f"interrupted; resume with: {resume_hint}", markup=False, highlight=False)
        raise typer.Exit(130) from None
    except RunNotFound as exc:
        flag = None if exc.run_id == resume else "--baseline"
        raise run_not_found(exc, hints, flag) from None


def _show(result: RunResult, json_output: bool, hints: Hints) -> None:
    data = result.report
    if json_output:
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
        warn_failures(data, hints)
        return
    print_summary(data, hints)
    for regression in data.regressions:
        where = regression.task_id or "all shared tasks"
        stdout.print(
            f"REGRESSION {regression.model} on {where}: {regression.metric} "
            f"{regression.baseline:.1%} → {regression.current:.1%}",
            style="bold red",
            markup=False,
        )
    written = ", ".join(str(path) for path in result.report_files.values())
    stdout.print(f"run {result.run_id}; reports: {written}", markup=False)
