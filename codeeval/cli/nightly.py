"""`codeeval nightly` (run, judge, report, notify; or write a schedule) and `codeeval baseline`."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
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
    open_store,
    run_not_found,
    split_values,
    stderr,
    stdout,
)
from codeeval.cli._comparison import print_comparison, print_verdict, say
from codeeval.cli._summary import print_summary, warn_failures
from codeeval.errors import BadConfig, OutputNotWritable, RunNotFound

if TYPE_CHECKING:
    from codeeval.config import RunSettings
    from codeeval.nightly import NightlyPolicy, NightlyResult

baseline_app = typer.Typer(
    help="Pin runs by name as baselines (nightly --baseline NAME, show --baseline NAME).",
    no_args_is_help=True,
)
app.add_typer(baseline_app, name="baseline")


class Schedule(StrEnum):
    """What `nightly --init` writes."""

    github = "github"
    cron = "cron"


@app.command()
def nightly(
    tasks: Annotated[
        list[str] | None,
        typer.Option("--tasks", "-t", help="Tasks (as run --tasks); default: [nightly] tasks."),
    ] = None,
    models: Annotated[
        list[str] | None,
        typer.Option(
            "--model", "-m", help="provider/model, repeatable; default: [nightly] models."
        ),
    ] = None,
    samples: Annotated[int | None, typer.Option("--samples", "-n")] = None,
    temperature: Annotated[float | None, typer.Option("--temperature")] = None,
    replay: Annotated[
        str | None, typer.Option("--replay", help="JSONL of recorded responses for replay/ models.")
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
        typer.Option("--format", help="Report files to write (default: every format)."),
    ] = None,
    cache: Annotated[
        bool | None,
        typer.Option(
            "--cache/--no-cache",
            help="Reuse answers paid for before (default: --no-cache, sample the APIs afresh).",
        ),
    ] = None,
    max_attempts: Annotated[int | None, typer.Option("--max-attempts")] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="The matrix's name, whose last good night is the baseline."),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="A pinned baseline's name or a run id, instead of the last good night.",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="pass@1 drop that is a regression (default 0.05)."),
    ] = None,
    max_failure_share: Annotated[
        float | None,
        typer.Option(
            "--max-failure-share",
            help="Share of failed generations beyond which a model is an outage (default 0.05).",
        ),
    ] = None,
    require_significance: Annotated[
        bool | None,
        typer.Option(
            "--require-significance/--no-require-significance",
            help="Only drops a test finds significant at 5% turn the night red.",
        ),
    ] = None,
    notify: Annotated[
        str | None,
        typer.Option(
            "--notify",
            help="Slack-compatible webhook URL to post the verdict to (default: the variable "
            "notify_env names, CODEEVAL_NOTIFY_URL).",
            show_default=False,
        ),
    ] = None,
    init: Annotated[
        Schedule | None,
        typer.Option(
            "--init",
            help="Write a GitHub Actions workflow (github) or print a crontab line and "
            "systemd units (cron) that run this nightly, instead of running it.",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="With --init github: the workflow file to write."),
    ] = None,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """Run the nightly matrix, compare it with the last good night, exit 1 when anything is wrong.

    Red (exit 1): a regression against the baseline, an outage of a model, a task whose
    reference fails. Green (exit 0): all is well. Exit 2: a mistake in the command or config.
    """
    from codeeval.nightly import load_nightly_settings

    settings, policy = load_nightly_settings(
        {
            "tasks": split_values(tasks),
            "models": split_values(models),
            "samples": samples,
            "temperature": temperature,
            "providers": {"replay": {"path": replay}} if replay else None,
            "executor": executor,
            "workers": workers,
            "sandbox_packages": split_values(sandbox_packages),
            "executor_options": executor_flag_options(docker_image, ray_address),
            "db": db,
            "out": out,
            "formats": split_values(formats),
            "use_cache": cache,
            "max_attempts": max_attempts,
            "regression_threshold": threshold,
        },
        {
            "name": name,
            "baseline": baseline,
            "max_failure_share": max_failure_share,
            "require_significance": require_significance,
        },
        config_file,
    )
    check_ray_address(ray_address, settings.options.executor)
    # [nightly] may name another database than the one `run`, `show` and `report` read from
    # [run]: then every command printed for this night names it.
    night_db = settings.output.db
    plain_db = load_settings({}, config_file).output.db
    hints = Hints(db or (night_db if night_db != plain_db else None), config_file)
    if init is Schedule.github:
        _write_workflow(settings, policy, output)
        return
    if init is Schedule.cron:
        _print_cron(db, config_file, settings)
        return
    if output:
        raise BadConfig("--output: only with --init github; reports go to --out")
    result = _run(settings, policy, hints)
    _show(result, json_output, hints)
    _step_summary(result, hints)
    url = notify or os.environ.get(policy.notify_env) or None
    if url:
        _notify(url, result, policy, hints)
    if result.unwritten_reports:
        first = result.unwritten_reports[0]
        stderr.print(
            f"warning: cannot write {first.path}: {first.reason}; the night is stored: "
            f"{hints.command('report', str(result.run_id), '--format', first.format)}",
            style="yellow",
            markup=False,
            highlight=False,
        )
    raise typer.Exit(result.exit_code)


def _run(settings: RunSettings, policy: NightlyPolicy, hints: Hints) -> NightlyResult:
    from codeeval.console import ProgressListener
    from codeeval.nightly import run_nightly

    listener = ProgressListener(stderr)
    try:
        with listener:
            return run_nightly(settings, policy, listener=listener)
    except KeyboardInterrupt:
        if listener.run_id is not None:
            resume_hint = hints.command("run", "--resume", str(listener.run_id))
            stderr.print(
                f"interrupted; the night has no verdict; finish the run with: {resume_hint}",
                markup=False,
                highlight=False,
            )
        raise typer.Exit(130) from None
    except RunNotFound as exc:
        raise run_not_found(exc, hints, "--baseline") from None


def _show(result: NightlyResult, json_output: bool, hints: Hints) -> None:
    data = result.report
    if json_output:
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
        warn_failures(data, hints)
        return
    print_summary(data, hints)
    if data.comparison is not None:
        print_comparison(data.comparison, hints)
    print_verdict(result.verdict)
    written = ", ".join(str(path) for path in result.report_files.values())
    say(f"run {result.run_id}; reports: {written or 'none'}")


def _step_summary(result: NightlyResult, hints: Hints) -> None:
    from codeeval.nightly.summary import append_step_summary, nightly_markdown

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        append_step_summary(Path(path), nightly_markdown(result.report, hints.command))
    except OutputNotWritable as exc:
        stderr.print(f"warning: {exc}", style="yellow", markup=False, highlight=False)


def _notify(url: str, result: NightlyResult, policy: NightlyPolicy, hints: Hints) -> None:
    from codeeval.nightly.notify import masked_url, post, slack_message

    delivery = post(
        url,
        slack_message(result.report, hints.command),
        attempts=policy.notify_attempts,
        backoff_s=policy.notify_backoff_s,
    )
    where = masked_url(url)
    if delivery.delivered:
        stderr.print(
            f"notified {where} (attempt {delivery.attempts})", markup=False, highlight=False
        )
    else:
        stderr.print(
            f"warning: could not notify {where} after {delivery.attempts} attempt(s) "
            f"({delivery.problem}); the night's verdict stands",
            style="yellow",
            markup=False,
            highlight=False,
        )


def _write_workflow(settings: RunSettings, policy: NightlyPolicy, output: str | None) -> None:
    from codeeval.nightly.schedule import (
        WORKFLOW_PATH,
        github_workflow,
        install_command,
        provider_needs,
    )

    needs = provider_needs(settings.definition)
    text = github_workflow(
        needs, install=install_command(needs.extras), notify_env=policy.notify_env
    )
    path = Path(output or WORKFLOW_PATH)
    if path.exists():
        raise BadConfig(f"--init github: {path} exists; remove it, or write elsewhere with -o FILE")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputNotWritable(
            f"--init github: cannot write {path}: {exc.strerror or exc}; give -o a writable file"
        ) from None
    secrets = ", ".join(needs.key_variables) or "none (no hosted model in the matrix)"
    say(f"wrote {path}; add these repository secrets: {secrets}; optional: {policy.notify_env}")
    if not settings.definition.models:
        say(
            "note: no models named in [nightly] or [run]: the workflow runs the default "
            "models, every provider whose key is set there"
        )


def _print_cron(db: str | None, config_file: str | None, settings: RunSettings) -> None:
    from codeeval.nightly.schedule import crontab_line, nightly_command, systemd_units

    workdir = Path.cwd()
    database = settings.output.db
    if "://" not in database:
        database = str(Path(database).expanduser().resolve())
    config = config_file or os.environ.get("CODEEVAL_CONFIG")
    if config is None and Path("codeeval.toml").is_file():
        config = "codeeval.toml"
    command = nightly_command(
        python=sys.executable,
        db=database,
        config=str(Path(config).resolve()) if config else None,
        out=str(settings.output.report_root().resolve()),
    )
    log = str(workdir / "codeeval-nightly.log")
    stdout.print("# crontab -e, then add:", markup=False, highlight=False)
    say(crontab_line(command, str(workdir), log))
    stdout.print("", markup=False)
    stdout.print("# or, with systemd:", markup=False, highlight=False)
    sys.stdout.write(systemd_units(command, str(workdir)))


@baseline_app.command("set")
def baseline_set(
    name: Annotated[str, typer.Argument(help="The name (e.g. prod).")],
    run_id: Annotated[int, typer.Argument(help="The run it pins (see: codeeval runs).")],
    db: DbOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Pin a run under a name; `--baseline NAME` then compares with it."""
    _check_name(name)
    hints = Hints(db, config_file)
    store = open_store(db, config_file)
    try:
        store.pin_baseline(name, run_id)
    except RunNotFound as exc:
        raise run_not_found(exc, hints) from None
    finally:
        store.close()
    say(f"baseline {name!r} is run {run_id}; compare with it: --baseline {name}")


@baseline_app.command("list")
def baseline_list(
    db: DbOption = None, json_output: JsonOption = False, config_file: ConfigOption = None
) -> None:
    """The pinned baselines."""
    store = open_store(db, config_file)
    try:
        pinned = store.named_baselines()
    finally:
        store.close()
    if json_output:
        rows = [{"name": b.name, "run_id": b.run_id, "pinned_at": b.created_at} for b in pinned]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    elif not pinned:
        say("no baseline pinned in this database (pin a run under a name: baseline set NAME RUN)")
    else:
        for entry in pinned:
            say(f"{entry.name}\trun {entry.run_id}\t(pinned {entry.created_at})")


@baseline_app.command("delete")
def baseline_delete(
    name: Annotated[str, typer.Argument()],
    db: DbOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Forget a pinned baseline (the run stays)."""
    store = open_store(db, config_file)
    try:
        deleted = store.delete_baseline(name)
    finally:
        store.close()
    if not deleted:
        raise BadConfig(
            f"no baseline named {name!r}; list them with: "
            f"{Hints(db, config_file).command('baseline', 'list')}"
        )
    say(f"baseline {name!r} deleted")


def _check_name(name: str) -> None:
    from codeeval.report import LATEST

    if not name or name.isdigit() or name == LATEST or len(name) > 200 or not name.isprintable():
        raise BadConfig(
            f"baseline name {name!r}: give a word such as prod (not a number, which reads as a "
            f"run id, nor '{LATEST}')"
        )
