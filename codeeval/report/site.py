"""The history site: the last runs of a store as linked static pages (`report --history -o DIR`).

This module gathers the runs, each compared with its baseline: a night judged by `nightly` with
the baseline it was judged against (a pinned run, or the last good night of its matrix, as its
stored verdict says; `Store.last_good_run` for a verdict stored without it), carrying that
verdict and its problems; any other
run with the run before it sharing a model and a task (`Store.latest_comparable_run`). The `html`
renderer's `render_site` turns them into pages
(`index.html`, `run-N.html`, `compare-N-M.html`), found through the registry like any renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from codeeval import registry
from codeeval.errors import OutputNotWritable, RunNotFound, os_error_reason
from codeeval.report.data import Problem, ReportData, Verdict
from codeeval.report.stored import LATEST, build_report_for
from codeeval.store import Store

LAST_GOOD_NIGHT = "last good night"  # as `codeeval.nightly` names that baseline

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
    runs = [_run_report(store, summary.id, regression_threshold) for summary in reversed(summaries)]
    shown = {data.run.id for data in runs}
    baselines = {
        data.baseline_run: build_report_for(store, data.baseline_run)
        for data in runs
        if data.baseline_run is not None and data.baseline_run not in shown
    }
    return HistorySite(runs=runs, baselines=baselines, model=model)


def _run_report(store: Store, run_id: int, regression_threshold: float) -> ReportData:
    """A run's report against its baseline, with the nightly verdict stored for it, if any."""
    night = store.verdict(run_id)
    if night is None:
        return build_report_for(
            store, run_id, baseline=LATEST, regression_threshold=regression_threshold
        )
    if _exists(store, night.baseline_run):
        baseline, reason = night.baseline_run, night.baseline_reason
    else:  # judged before the baseline was kept, or that run is gone
        good = store.last_good_run(night.matrix, run_id)
        baseline, reason = (good.id if good is not None else None), LAST_GOOD_NIGHT
    data = build_report_for(
        store, run_id, baseline=baseline, regression_threshold=regression_threshold
    )
    if data.comparison is not None and reason:
        data.comparison.baseline_reason = reason
    problems = [
        Problem(
            kind=problem.get("kind") or "",
            model=problem.get("model"),
            task_id=problem.get("task_id"),
            message=problem.get("message") or "",
        )
        for problem in night.problems
    ]
    verdict = Verdict(red=night.red, summary=night.summary, problems=problems)
    return data.model_copy(update={"verdict": verdict})


def _exists(store: Store, run_id: int | None) -> bool:
    if run_id is None:
        return False
    try:
        store.run_summary(run_id)
    except RunNotFound:
        return False
    return True


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
