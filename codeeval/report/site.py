"""The history site: the last runs of a store as linked static pages (`report --history -o DIR`).

This module gathers the runs, each compared with the run before it sharing a model and a task
(`Store.latest_comparable_run`); the `html` renderer's `render_site` turns them into pages
(`index.html`, `run-N.html`, `compare-N-M.html`), found through the registry like any renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from codeeval import registry
from codeeval.errors import OutputNotWritable, os_error_reason
from codeeval.report.data import ReportData
from codeeval.report.stored import build_report_for
from codeeval.store import Store

SITE_FORMAT = "html"


class HistorySite(BaseModel):
    """Runs to show, oldest first, each with its baseline's id when it has one.

    `model` names the one model the site is about (`--model`), or None for every model.
    `baselines` holds the reports of baselines older than the oldest run shown, so that every
    comparison page can show both sides.
    """

    runs: list[ReportData]
    baselines: dict[int, ReportData] = Field(default_factory=dict)
    model: str | None = None


def gather_history(
    store: Store, *, model: str | None = None, limit: int = 30, regression_threshold: float = 0.05
) -> HistorySite:
    """The last `limit` finished runs (with `model`, when given), each against its baseline.

    Args:
        store: Where the runs are.
        model: Only runs of this model, and only its trends.
        limit: How many runs, newest kept.
        regression_threshold: As for `report`.

    Returns:
        The site's data, runs oldest first.
    """
    summaries = [
        summary
        for summary in store.runs(limit=10 * limit if model else limit)
        if summary.status == "finished" and (model is None or model in summary.models)
    ][:limit]
    runs = [
        build_report_for(
            store, summary.id, baseline="latest", regression_threshold=regression_threshold
        )
        for summary in reversed(summaries)
    ]
    shown = {data.run.id for data in runs}
    baselines = {
        data.baseline_run: build_report_for(store, data.baseline_run)
        for data in runs
        if data.baseline_run is not None and data.baseline_run not in shown
    }
    return HistorySite(runs=runs, baselines=baselines, model=model)


def write_site(site: HistorySite, folder: Path) -> list[Path]:
    """Write the site's pages into `folder` (made when missing).

    Returns:
        The files written, index first.

    Raises:
        OutputNotWritable: the folder or a page cannot be written.
    """
    render_site: Callable[[HistorySite], dict[str, str]] = registry.resolve_attribute(
        registry.RENDERERS, SITE_FORMAT, "render_site"
    )
    pages = render_site(site)
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in pages.items():
            path = folder / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise OutputNotWritable(
            f"cannot write the history site in {folder}: {os_error_reason(exc)}; "
            "give --output a writable folder"
        ) from None
    return written
