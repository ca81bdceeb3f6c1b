"""`codeeval compare A B`: what changed from run A (the baseline) to run B."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from codeeval.cli._app import (
    ConfigOption,
    DbOption,
    Hints,
    JsonOption,
    app,
    load_settings,
    open_store,
    run_not_found,
)
from codeeval.cli._comparison import print_comparison
from codeeval.errors import RunNotFound


@app.command()
def compare(
    baseline_run: Annotated[int, typer.Argument(help="Run A, the baseline.")],
    run_id: Annotated[int, typer.Argument(help="Run B, compared with A.")],
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="pass@1 drop flagged as a regression (default 0.05)."),
    ] = None,
    db: DbOption = None,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """Compare two runs: per model and metric the change with its interval and test, flips."""
    from codeeval.report import build_report

    settings = load_settings({"db": db, "regression_threshold": threshold}, config_file).output
    hints = Hints(db, config_file)
    store = open_store(db, config_file)
    try:
        current = store.load_run(run_id)
        baseline = store.load_run(baseline_run)
    except RunNotFound as exc:
        raise run_not_found(exc, hints) from None
    finally:
        store.close()
    data = build_report(current, baseline, settings.regression_threshold, baseline_reason="given")
    assert data.comparison is not None
    if json_output:
        sys.stdout.write(data.comparison.model_dump_json(indent=2) + "\n")
        return
    print_comparison(data.comparison, hints)
