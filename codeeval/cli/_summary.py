"""A run's summary in the terminal, as `run` and `show` print it."""

from __future__ import annotations

from codeeval.cli._app import Hints, stderr, stdout
from codeeval.report import ReportData


def print_summary(data: ReportData, hints: Hints) -> None:
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
    warn_failures(data, hints)


def warn_failures(data: ReportData, hints: Hints) -> None:
    """One line per model whose generations failed for good, with the command to retry them."""
    for failure in data.generation_failures:
        stderr.print(
            f"warning: {failure.count} generation(s) failed for {failure.model} after retries "
            f"(first error: {failure.first_error}); to retry them: "
            f"{hints.command('run', '--resume', str(data.run.id))}",
            style="yellow",
            markup=False,
            highlight=False,
        )
