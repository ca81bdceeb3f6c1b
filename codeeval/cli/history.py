"""`codeeval runs`, `show` and `report`: the stored history."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codeeval.cli._app import (
    ConfigOption,
    DbOption,
    Hints,
    JsonOption,
    app,
    load_settings,
    open_store,
    renamed_option,
    run_not_found,
    split_values,
    stderr,
    stdout,
)
from codeeval.cli._summary import print_summary
from codeeval.errors import BadConfig, OutputNotWritable, RunNotFound

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
    task: Annotated[
        str | None, typer.Option("--task", help="With --model: print this task's samples.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="With --task: print this model's samples.")
    ] = None,
    sample: Annotated[
        int | None, typer.Option("--sample", min=0, help="With --task and --model: one sample.")
    ] = None,
    json_output: JsonOption = False,
    config_file: ConfigOption = None,
) -> None:
    """Print a stored run's comparison table again, or its samples of one task and model."""
    if (task is None) != (model is None) or (sample is not None and task is None):
        raise BadConfig("show: give --task and --model together (and --sample only with them)")
    config = load_settings({"db": db, "baseline": baseline}, config_file).output
    hints = Hints(db, config_file)
    data = _stored_report(run_id, config, hints, config_file)
    if task is not None and model is not None:
        _show_samples(data, task, model, sample, json_output)
        return
    if json_output:
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
        return
    print_summary(data, hints)
    if data.comparison is not None:
        from codeeval.cli._comparison import print_comparison

        print_comparison(data.comparison, hints)


def _show_samples(
    data: ReportData, task: str, model: str, sample: int | None, json_output: bool
) -> None:
    """Print the samples of `task` and `model` (one, with `sample`), escaped for a terminal.

    Raises:
        BadConfig: the run has no such sample; the message names what it has.
    """
    from codeeval.console import printable, sample_lines

    found = [
        line
        for line in data.samples
        if line.task_id == task
        and line.model == model
        and (sample is None or line.sample_index == sample)
    ]
    if not found:
        raise BadConfig(_no_sample(data, task, model, sample))
    if json_output:
        sys.stdout.write(json.dumps([line.model_dump() for line in found], indent=2) + "\n")
        return
    for line in found:
        for text in sample_lines(line):
            stdout.print(
                printable(text), markup=False, highlight=False, emoji=False, soft_wrap=True
            )


def _no_sample(data: ReportData, task: str, model: str, sample: int | None) -> str:
    from codeeval.console import printable

    run = data.run.id
    if task not in data.run.tasks:
        return printable(f"run {run} has no task {task!r}; its tasks: {', '.join(data.run.tasks)}")
    if model not in data.run.models:
        return printable(
            f"run {run} has no model {model!r}; its models: {', '.join(data.run.models)}"
        )
    return printable(
        f"run {run} has no sample {sample} of {task} and {model}; "
        f"it has samples 0 to {data.run.samples - 1}"
    )


@app.command()
def report(
    run_id: Annotated[
        int | None, typer.Argument(help="Run id (see: codeeval runs); none with --history.")
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="json, markdown (default), html or junit; repeatable or comma-separated. Several: "
            "one file each, in --output or the run's report folder.",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (default: stdout); with several formats, the folder.",
        ),
    ] = None,
    old_output: Annotated[
        str | None, typer.Option("--out", hidden=True, help="Deprecated: --output.")
    ] = None,
    baseline: Annotated[str | None, typer.Option("--baseline")] = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history", help="Write the history site (index, trends, runs) into --output."
        ),
    ] = False,
    model: Annotated[
        str | None, typer.Option("--model", help="With --history: only this model's runs.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="With --history: the last N runs.")
    ] = 30,
    db: DbOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Render a stored run as a report: one format on stdout or in a file, or several files."""
    from codeeval.report import check_formats, render, write_reports

    output = renamed_option("--out", "--output", old_output, output)
    if history:
        _history_site(run_id, output, model, limit, db, config_file)
        return
    if run_id is None:
        raise BadConfig("report: give a run id (see: codeeval runs), or --history -o FOLDER")
    names = tuple(dict.fromkeys(split_values(formats) or ("markdown",)))
    check_formats(names)
    settings = load_settings({"db": db, "baseline": baseline}, config_file).output
    data = _stored_report(run_id, settings, Hints(db, config_file), config_file)
    if len(names) == 1 and not output:
        sys.stdout.write(render(data, names[0]))
    elif len(names) == 1 and output:
        _write_file(Path(output), render(data, names[0]))
    else:
        folder = Path(output) if output else settings.report_folder(run_id)
        files = write_reports(data, folder, names)
        for path in files.written.values():
            stderr.print(f"wrote {path}", markup=False, highlight=False)
        if files.failed:
            first = files.failed[0]
            raise OutputNotWritable(
                f"cannot write {first.path}: {first.reason}; give --output a writable folder"
            )


def _history_site(
    run_id: int | None,
    output: str | None,
    model: str | None,
    limit: int,
    db: str | None,
    config_file: str | None,
) -> None:
    """`report --history -o DIR`: the last runs as linked pages."""
    from codeeval.report import gather_history, write_site

    if run_id is not None or not output:
        raise BadConfig("report --history: give no run id, and the site's folder with -o FOLDER")
    settings = load_settings({"db": db}, config_file).output
    store = open_store(settings.db, config_file)
    try:
        site = gather_history(
            store, model=model, limit=limit, regression_threshold=settings.regression_threshold
        )
    finally:
        store.close()
    if not site.runs:
        which = f" of {model}" if model else ""
        raise BadConfig(f"report --history: the database holds no finished run{which} yet")
    written = write_site(site, Path(output))
    stderr.print(f"wrote {len(written)} page(s); open {written[0]}", markup=False, highlight=False)


def _write_file(path: Path, text: str) -> None:
    """Write one report file in one step.

    Raises:
        OutputNotWritable: it cannot be written.
    """
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputNotWritable(
            f"--output {path}: cannot write the report: {exc.strerror or exc}; "
            "give a file path in an existing folder"
        ) from None
    stderr.print(f"wrote {path}", markup=False, highlight=False)


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
