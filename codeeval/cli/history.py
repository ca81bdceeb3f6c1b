"""`codeeval runs`, `show` and `report`: the stored history."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codeeval import registry
from codeeval.cli._app import (
    ConfigOption,
    DbOption,
    Hints,
    JsonOption,
    app,
    load_settings,
    open_store,
    run_not_found,
    stderr,
    stdout,
)
from codeeval.cli._summary import print_summary
from codeeval.errors import BadConfig, RunNotFound

if TYPE_CHECKING:
    from codeeval.config import OutputSettings
    from codeeval.report import ReportData


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

    store = open_store(db, config_file)
    try:
        summaries = store.runs(limit)
    finally:
        store.close()
    if json_output:
        sys.stdout.write(json.dumps([asdict(s) for s in summaries], indent=2) + "\n")
    elif not summaries:
        start = Hints(db, config_file).command("run", "--tasks", "quicksort")
        stdout.print(f"no runs yet; start one with: {start}", markup=False, soft_wrap=True)
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
    config = load_settings({"db": db, "baseline": baseline}, config_file).output
    hints = Hints(db, config_file)
    data = _stored_report(run_id, config, hints, config_file)
    if json_output:
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
        return
    print_summary(data, hints)


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
    render = registry.resolve(registry.RENDERERS, report_format)
    config = load_settings({"db": db, "baseline": baseline}, config_file).output
    hints = Hints(db, config_file)
    data = _stored_report(run_id, config, hints, config_file)
    text = render(data)
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise BadConfig(
                f"--out {output}: cannot write the report: {exc.strerror or exc}; "
                "give a file path in an existing folder"
            ) from None
        stderr.print(f"wrote {output}", markup=False)
    else:
        sys.stdout.write(text)


def _stored_report(
    run_id: int, settings: OutputSettings, hints: Hints, config_file: str | None
) -> ReportData:
    from codeeval.report import build_report_for

    store = open_store(settings.db, config_file)
    try:
        return build_report_for(
            store,
            run_id,
            baseline=settings.baseline,
            regression_threshold=settings.regression_threshold,
        )
    except RunNotFound as exc:
        raise run_not_found(exc, hints, None if exc.run_id == run_id else "--baseline") from None
    finally:
        store.close()
