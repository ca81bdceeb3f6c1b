"""`codeeval tasks list|show|new|check`."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codeeval import registry
from codeeval.cli._app import (
    ConfigOption,
    DockerImageOption,
    ExecutorOption,
    JsonOption,
    RayAddressOption,
    SandboxPackageOption,
    check_ray_address,
    executor_flag_options,
    load_settings,
    split_values,
    stdout,
    tasks_app,
)
from codeeval.errors import BadConfig, OutputNotWritable, os_error_reason

if TYPE_CHECKING:
    from codeeval.task.check import TaskCheck


@tasks_app.command("list")
def tasks_list(
    tag: Annotated[str | None, typer.Option("--tag", help="Only tasks with this tag.")] = None,
    json_output: JsonOption = False,
) -> None:
    """List the built-in tasks by topic, and the benchmarks."""
    from dataclasses import asdict

    from rich.table import Table

    from codeeval.task import load_builtin_tasks
    from codeeval.task.info import rows_by_topic, task_rows

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
    from codeeval.task.info import task_details

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
    from codeeval.task.scaffold import scaffold_task

    try:
        folder = scaffold_task(name, directory)
    except OSError as exc:
        raise OutputNotWritable(
            f"--dir {directory}: cannot create {exc.filename or directory}: "
            f"{os_error_reason(exc)}; pass --dir a writable folder"
        ) from None
    # A bare name means a built-in task to `tasks check` and `run --tasks`; a path does not.
    selector = str(folder) if folder.is_absolute() else os.path.join(".", folder)
    stdout.print(
        f"created {folder}; edit its files, then: python -m codeeval tasks check "
        f"{shlex.quote(selector)}",
        markup=False,
        soft_wrap=True,
    )


@tasks_app.command("check")
def tasks_check(
    names: Annotated[
        list[str] | None, typer.Argument(help="Tasks to check (default: every built-in task).")
    ] = None,
    executor: ExecutorOption = None,
    sandbox_package: SandboxPackageOption = None,
    docker_image: DockerImageOption = None,
    ray_address: RayAddressOption = None,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """Prove tasks sound: references pass, every mutant is caught, generators are valid.

    Where programs run comes from the flags, then codeeval.toml's settings of the same names.
    """
    from dataclasses import asdict

    from codeeval.task import select_tasks
    from codeeval.task.check import check_tasks

    settings = load_settings(
        {
            "executor": executor,
            "sandbox_packages": split_values(sandbox_package),
            "executor_options": executor_flag_options(docker_image, ray_address),
        },
        config_file,
    )
    tasks = select_tasks(names or ["all"])
    options = settings.options
    check_ray_address(ray_address, options.executor)
    sandbox = options.create_executor(settings.definition.sandbox_packages)
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


def _print_check(check: TaskCheck) -> None:
    caught = sum(1 for mutant in check.mutants if mutant.caught)
    mark = "ok  " if check.ok else "FAIL"
    stdout.print(
        f"{mark} {check.task_id}: reference {check.reference_status} on "
        f"{check.hand_written_tests} + {check.generated_tests} generated tests; "
        f"mutants caught {caught}/{len(check.mutants)} ({check.duration_s:.1f}s)",
        markup=False,
        style=None if check.ok else "red",
    )
    measured = []
    if check.reference_complexity:
        family = f" ({check.reference_family})" if check.reference_family else ""
        measured.append(f"reference {check.reference_complexity}{family}")
    measured += [
        f"slow mutant {m.name} {m.measured}" + (f" ({m.family})" if m.family else "")
        for m in check.mutants
        if m.expected is not None and m.caught
    ]
    if measured:
        stdout.print(f"     time complexity: {'; '.join(measured)}", markup=False)
    for line in (*check.problems, *check.warnings):
        stdout.print(f"     {line}", markup=False)
