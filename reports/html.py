"""The HTML report: one self-contained page with charts and every sample, safe to open.

Charts are SVG drawn by matplotlib while rendering (`_charts`), so the page needs no chart
library; tables sort and filter through one small inline script; everything a model wrote is
escaped text, and the page's Content-Security-Policy (`_page`) refuses any script, style or
request but its own. See docs/reports.md.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markupsafe import Markup

from codeeval.report import (
    HistorySite,
    MetricValue,
    ModelSummary,
    ReportData,
    SampleLine,
    cut,
    format_estimate,
    headline_metrics,
    higher_is_better,
    table_rows,
)
from codeeval.reports import _charts
from codeeval.reports._page import render_page

SUFFIX = ".html"

# Samples shown in full per task and model; `codeeval show` prints the others.
MAX_SAMPLES_PER_CELL = 3
# Characters of a code or answer shown in the page (the JSON report keeps more).
MAX_PAGE_TEXT = 8_000
# A report with more cells than this shows only the samples that did not pass in full: the
# page stays a few megabytes at 40 models x 200 tasks (docs/reports.md has the figures).
LARGE_REPORT_CELLS = 1_000
# Lines beyond which a program starts folded.
FOLD_LINES = 40


@dataclass
class SampleView:
    """One sample as the page shows it: its line, highlighted code, and folding."""

    line: SampleLine
    code: Markup | None
    code_cut: int
    response: str | None
    prompt: str | None
    folded: bool
    complexity: str | None
    scores: list[tuple[str, str]]


@dataclass
class CellView:
    """One model on one task: the samples shown, how many are not, the command to see them."""

    index: int
    model: str
    passed: int
    total: int
    samples: list[SampleView] = field(default_factory=list)
    hidden: int = 0
    command: str = ""


@dataclass
class TaskView:
    """One task: its prompt (the first sample's) and a cell per model that ran it."""

    index: int
    task_id: str
    prompt: str | None
    cells: list[CellView] = field(default_factory=list)


@cache
def _highlighter() -> tuple[Any, Any]:
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return PythonLexer(), HtmlFormatter(nowrap=True)


def _highlight(code: str) -> Markup:
    """Python source as pygments' escaped, classed spans (never markup from the source)."""
    from pygments import highlight

    lexer, formatter = _highlighter()
    return Markup(highlight(code, lexer, formatter))


def _score_text(value: float | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _sample_view(line: SampleLine, task_prompt: str | None) -> SampleView:
    code = line.code[:MAX_PAGE_TEXT] if line.code else None
    complexity = line.scores.get("time_complexity_class")
    return SampleView(
        line=line,
        code=_highlight(code) if code else None,
        code_cut=len(line.code) - MAX_PAGE_TEXT if line.code and code != line.code else 0,
        response=cut(line.response, MAX_PAGE_TEXT),
        prompt=cut(line.prompt, MAX_PAGE_TEXT) if line.prompt != task_prompt else None,
        folded=bool(code) and (code or "").count("\n") > FOLD_LINES,
        complexity=complexity if isinstance(complexity, str) else None,
        scores=[(name, _score_text(value)) for name, value in sorted(line.scores.items())],
    )


def show_command(run_id: int, task_id: str, model: str) -> str:
    """The shell command printing every sample of one task and model."""
    return shlex.join(
        ["python", "-m", "codeeval", "show", str(run_id), "--task", task_id, "--model", model]
    )


def _task_views(data: ReportData) -> list[TaskView]:
    by_cell: dict[tuple[str, str], list[SampleLine]] = defaultdict(list)
    for line in data.samples:
        by_cell[(line.task_id, line.model)].append(line)
    models = {model: index for index, model in enumerate(data.run.models)}
    inline_passed = len(by_cell) <= LARGE_REPORT_CELLS
    tasks = []
    for task_index, task in enumerate(data.tasks):
        lines_of_task = [
            line for model in models for line in by_cell.get((task.task_id, model), [])
        ]
        prompt = cut(lines_of_task[0].prompt, MAX_PAGE_TEXT) if lines_of_task else None
        view = TaskView(task_index, task.task_id, prompt)
        for model, model_index in models.items():
            lines = by_cell.get((task.task_id, model), [])
            if not lines:
                continue
            # failures first: they are what a reader opens a cell for
            ordered = sorted(lines, key=lambda s: (s.status == "passed", s.sample_index))
            shown = [s for s in ordered if inline_passed or s.status != "passed"]
            shown = shown[:MAX_SAMPLES_PER_CELL]
            view.cells.append(
                CellView(
                    index=model_index,
                    model=model,
                    passed=sum(1 for s in lines if s.status == "passed"),
                    total=len(lines),
                    samples=[_sample_view(s, lines_of_task[0].prompt) for s in shown],
                    hidden=len(lines) - len(shown),
                    command=show_command(data.run.id, task.task_id, model),
                )
            )
        tasks.append(view)
    return tasks


def _pass_at_1(model: ModelSummary) -> tuple[float, float | None, float | None] | None:
    value = model.pass_at.get(1) or model.metrics.get("pass@1")
    return None if value is None else (value.value, value.low, value.high)


def _charts_of(data: ReportData) -> dict[str, Markup]:
    charts: dict[str, Markup] = {}
    ranked = [(m.model, *p) for m in data.models if (p := _pass_at_1(m)) is not None]
    if ranked:
        charts["pass_at_1"] = Markup(
            _charts.bars_with_intervals("pass@1 per model (95% interval)", ranked, gid="data-pass1")
        )
    curves = [
        _charts.Series(
            m.model,
            [(float(k), v, *_bounds(m, k)) for k, v in sorted(m.pass_at_every_k.items())],
        )
        for m in data.models
        if m.pass_at_every_k
    ]
    if curves and max(len(c.points) for c in curves) > 1:
        charts["pass_at_k"] = Markup(
            _charts.lines(
                "pass@k by k (band: 95% interval where computed)",
                curves,
                xlabel="k (samples allowed)",
                ylabel="pass@k (%)",
                log_x=True,
                gid="data-passk",
            )
        )
    panels = []
    for name, label, fmt in headline_metrics():
        rows = [
            (m.model, value.value, value.low, value.high)
            for m in data.models
            if (value := m.pass_at.get(1) if name == "pass@1" else m.metrics.get(name)) is not None
        ]
        if rows:
            panels.append((label, fmt.endswith("%"), rows))
    if panels:
        charts["quality"] = Markup(
            _charts.small_multiples("Quality metrics per model (95% intervals)", panels)
        )
    charts.update(_scatter(data))
    return charts


def _bounds(model: ModelSummary, k: int) -> tuple[float | None, float | None]:
    value = model.pass_at.get(k)
    return (value.low, value.high) if value is not None else (None, None)


def _scatter(data: ReportData) -> dict[str, Markup]:
    costs = [
        (m.model, m.deployment.cost_usd, p[0])
        for m in data.models
        if m.deployment is not None
        and m.deployment.cost_usd is not None
        and (p := _pass_at_1(m)) is not None
    ]
    if costs:
        return {
            "scatter": Markup(
                _charts.scatter(
                    "Cost against pass@1",
                    costs,
                    xlabel="cost of the run (USD, log scale)",
                    ylabel="pass@1 (%)",
                    log_x=True,
                )
            )
        }
    speeds = [
        (m.model, m.deployment.output_tokens_per_s, p[0])
        for m in data.models
        if m.deployment is not None
        and m.deployment.output_tokens_per_s is not None
        and (p := _pass_at_1(m)) is not None
    ]
    if speeds:
        return {
            "scatter": Markup(
                _charts.scatter(
                    "Speed against pass@1 (no prices known)",
                    speeds,
                    xlabel="output tokens/s",
                    ylabel="pass@1 (%)",
                )
            )
        }
    return {}


def heat_class(value: float | None) -> str:
    """The heatmap's CSS class for a pass@1: h0 (none passed) to h10 (all), `na` for none."""
    return "na" if value is None else f"h{round(value * 10)}"


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:.4f}"


def _number(value: float | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def render_body(data: ReportData, links: Sequence[tuple[str, str]] = ()) -> dict[str, object]:
    """What report.html.j2 shows for `data` (the history site reuses it for its run pages).

    Args:
        data: The report.
        links: (label, href) pairs for the navigation bar.

    Returns:
        The template's context.
    """
    return {
        "data": data,
        "rows": table_rows(data),
        "estimate": format_estimate,
        "charts": _charts_of(data),
        "tasks": _task_views(data),
        "heat_class": heat_class,
        "money": _money,
        "number": _number,
        "links": list(links),
        "model_index": {model: index for index, model in enumerate(data.run.models)},
        "task_index": {task.task_id: index for index, task in enumerate(data.tasks)},
        "max_samples": MAX_SAMPLES_PER_CELL,
        "inline_passed": len(data.samples) == 0
        or len(data.tasks) * len(data.run.models) <= LARGE_REPORT_CELLS,
    }


def render(data: ReportData) -> str:
    """Render the report as one self-contained HTML page (see the module docstring)."""
    return render_page("report.html.j2", **render_body(data))


def _page_name(run_id: int) -> str:
    return f"run-{run_id}.html"


def _compare_name(run_id: int, baseline: int) -> str:
    return f"compare-{run_id}-{baseline}.html"


def _metric(model: ModelSummary, name: str) -> MetricValue | None:
    return model.pass_at.get(1) if name == "pass@1" else model.metrics.get(name)


def _trends(site: HistorySite) -> list[Markup]:
    """One chart per headline metric: a line per model across the runs, its interval a band."""
    labels = [f"#{data.run.id} {data.run.created_at[:10]}" for data in site.runs]
    models = list(
        dict.fromkeys(m.model for data in site.runs for m in data.models)
        if site.model is None
        else [site.model]
    )
    charts = []
    for name, label, fmt in headline_metrics():
        series = []
        for model in models:
            points = [
                (float(index), value.value, value.low, value.high)
                for index, data in enumerate(site.runs)
                for summary in data.models
                if summary.model == model and (value := _metric(summary, name)) is not None
            ]
            if points:
                series.append(_charts.Series(model, points))
        if series:
            charts.append(
                Markup(
                    _charts.lines(
                        f"{label} across runs",
                        series,
                        xlabel="run",
                        ylabel=label + (" (%)" if fmt.endswith("%") else ""),
                        share=fmt.endswith("%"),
                        x_labels=labels,
                        gid=f"data-trend-{name.replace('@', '')}",
                    )
                )
            )
    return charts


# What a history page says of a baseline, by the reason its comparison gives.
_WHY_THIS_BASELINE = {
    "": "the run before it sharing a model and a task",
    "latest comparable run": "the run before it sharing a model and a task",
    "last good night": "the last good night of its matrix",
}


def _why_baseline(data: ReportData, base: ReportData) -> str:
    """Why `base` is what `data` is compared with, as the history's comparison page says."""
    comparison = data.comparison
    reason = comparison.baseline_reason if comparison is not None else ""
    if comparison is None or comparison.baseline_run != base.run.id:
        reason = ""
    return _WHY_THIS_BASELINE.get(reason, f"its baseline, {reason}")


def _side_by_side(data: ReportData, base: ReportData) -> list[dict[str, object]]:
    before = {m.model: m for m in base.models}
    rows: list[dict[str, object]] = []
    for model in data.models:
        old = before.get(model.model)
        if old is None:
            continue
        for name, label, fmt in headline_metrics():
            now, then = _metric(model, name), _metric(old, name)
            delta = now.value - then.value if now is not None and then is not None else None
            better_higher = higher_is_better(name)
            rows.append(
                {
                    "model": model.model,
                    "label": label,
                    "before": format_estimate(then, fmt),
                    "after": format_estimate(now, fmt),
                    "delta": "—" if delta is None else format(delta, "+" + fmt),
                    "delta_value": 0.0 if delta is None else delta,
                    "worse": delta is not None
                    and (delta < -1e-9 if better_higher else delta > 1e-9),
                }
            )
    return rows


def render_site(site: HistorySite) -> dict[str, str]:
    """The history site's pages by file name: index, a page per run, one per comparison.

    Args:
        site: The runs (oldest first) and their baselines (`codeeval.report.site`).

    Returns:
        `{"index.html": ..., "run-N.html": ..., "compare-N-M.html": ...}`, each page
        self-contained under the same policy as the report.
    """
    every = {data.run.id: data for data in site.runs} | site.baselines
    pages: dict[str, str] = {}
    rows = []
    for data in site.runs:
        compare = None
        base = every.get(data.baseline_run) if data.baseline_run is not None else None
        links = [("index", "index.html")]
        if base is not None:
            compare = _compare_name(data.run.id, base.run.id)
            links.append((f"against run {base.run.id}", compare))
            pages[compare] = render_page(
                "history_compare.html.j2",
                data=data,
                base=base,
                side=_side_by_side(data, base),
                run_page=_page_name(data.run.id),
                base_page=_page_name(base.run.id),
                why=_why_baseline(data, base),
                links=[("index", "index.html"), (f"run {data.run.id}", _page_name(data.run.id))],
                number=_number,
            )
        pages[_page_name(data.run.id)] = render_page("report.html.j2", **render_body(data, links))
        rows.append(
            {
                "data": data,
                "page": _page_name(data.run.id),
                "compare": compare,
                "errors": sum(m.generation_errors for m in data.models),
            }
        )
    for data in site.baselines.values():
        pages[_page_name(data.run.id)] = render_page(
            "report.html.j2", **render_body(data, [("index", "index.html")])
        )
    index = render_page(
        "history_index.html.j2",
        site=site,
        rows=rows,
        trends=_trends(site),
        estimate=format_estimate,
        links=[],
    )
    return {"index.html": index, **pages}
