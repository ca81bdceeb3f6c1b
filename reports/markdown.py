"""The Markdown report: the comparison table first, then the detail a reviewer asks for."""

from __future__ import annotations

from codeeval.report import ModelSummary, ReportData, TaskCell, format_estimate, table_rows

SUFFIX = ".md"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:.4f}"


def _number(value: float | None, fmt: str = ".2f") -> str:
    return "—" if value is None else format(value, fmt)


def render(data: ReportData) -> str:
    """Render the report as GitHub-flavoured Markdown."""
    run = data.run
    out = [
        f"# codeeval run {run.id}",
        "",
        f"{run.status}, {run.created_at} → {run.finished_at or '…'}; "
        f"{len(run.tasks)} task(s), {run.samples} sample(s) per task and model, "
        f"temperature {run.temperature}, prompts in `{run.lang}`, codeeval {run.codeeval_version}.",
        "",
        "## Comparison",
        "",
        "Values are means over tasks with their 95% bootstrap confidence interval [low-high].",
        "",
    ]
    if data.verdict is not None:
        state = "RED" if data.verdict.red else "green"
        out[2:2] = (
            [f"**Nightly verdict: {state}**: {_text(data.verdict.summary)}", ""]
            + [f"- {p.kind}: {_text(p.message)}" for p in data.verdict.problems]
            + ([""] if data.verdict.problems else [])
        )
    rows = table_rows(data)
    if rows:
        out += _table(list(rows[0]), [list(row.values()) for row in rows])
    if len(data.ks) > 1:
        out += ["", "## pass@k", ""]
        out += _table(
            ["model", *[f"pass@{k}" for k in data.ks]],
            [
                [m.model, *[format_estimate(m.pass_at.get(k), ".0%") for k in data.ks]]
                for m in data.models
            ],
        )
    out += ["", "## Deployment", ""]
    out += _table(
        [
            "model",
            "tokens in",
            "tokens out",
            "median latency s",
            "first token p50 / p90 s",
            "output tokens/s",
            "cost",
            "per M tokens",
            "per solved task",
            "peak GPU MB",
            "cached",
            "generation errors",
        ],
        [_deployment_row(m) for m in data.models],
    )
    if data.comparisons:
        out += ["", "## Paired comparisons (pass@1 per task)", ""]
        out += _table(
            ["models", "tasks", "difference", "95% CI", "p", "significant"],
            [
                [
                    f"{c.model_a} − {c.model_b}",
                    str(c.tasks),
                    f"{c.difference:+.1%}",
                    "—" if c.low is None or c.high is None else f"[{c.low:+.1%}, {c.high:+.1%}]",
                    _number(c.p_value, ".3f"),
                    "yes" if c.significant else "no",
                ]
                for c in data.comparisons
            ],
        )
    if data.baseline_run is not None:
        out += ["", f"## Regressions against run {data.baseline_run}", ""]
        if data.regressions:
            out += _table(
                ["model", "task", "metric", "baseline", "now", "delta", "significant"],
                [
                    [
                        r.model,
                        r.task_id or "(all shared tasks)",
                        r.metric,
                        f"{r.baseline:.1%}",
                        f"{r.current:.1%}",
                        f"{r.delta:+.1%}",
                        "yes" if r.significant else "no",
                    ]
                    for r in data.regressions
                ],
            )
        else:
            out.append("None.")
    if data.comparison is not None:
        out += _comparison_notes(data)
    out += ["", "## Tasks", ""]
    models = run.models
    out += _table(
        ["task", "optimal", *models],
        [
            [
                t.task_id,
                t.optimal_complexity or "—",
                *[_cell(t.cells.get(model)) for model in models],
            ]
            for t in data.tasks
        ],
    )
    if data.warnings:
        out += ["", "## Warnings", "", *[f"- {w}" for w in data.warnings]]
    machine = ", ".join(f"{k}: {v}" for k, v in run.machine.items() if k not in ("host", "sandbox"))
    out += ["", f"Machine: {machine}.", ""]
    return "\n".join(out)


def _text(text: str) -> str:
    """Model or server text as Markdown shows it: no HTML, no table break."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _comparison_notes(data: ReportData) -> list[str]:
    """The tasks that flipped against the baseline, and the new and edited ones."""
    comparison = data.comparison
    if comparison is None:
        return []
    out: list[str] = []
    if comparison.flips:
        out += ["", "Tasks that flipped:", ""]
        out += _table(
            ["model", "task", "before", "now", "sample to open"],
            [
                [
                    f.model,
                    f.task_id,
                    f.before,
                    f.after,
                    "—" if f.sample is None else str(f.sample),
                ]
                for f in comparison.flips
            ],
        )
    for label, names in (
        ("New models (no baseline)", comparison.new_models),
        ("New tasks (no baseline)", comparison.new_tasks),
        ("Edited tasks (content changed, not compared)", comparison.edited_tasks),
    ):
        if names:
            out += ["", f"{label}: {_text(', '.join(names))}"]
    return out


def _deployment_row(model: ModelSummary) -> list[str]:
    d = model.deployment
    if d is None:
        return [model.model, *["—"] * 9, str(model.cached), str(model.generation_errors)]
    first = f"{_number(d.first_token_median_s)} / {_number(d.first_token_p90_s)}"
    return [
        model.model,
        str(d.input_tokens),
        str(d.output_tokens),
        _number(model.median_latency_s),
        first,
        _number(d.output_tokens_per_s, ".1f"),
        _money(d.cost_usd),
        _money(d.cost_per_million_tokens_usd),
        _money(d.cost_per_solved_task_usd),
        _number(d.peak_memory_mb, ".0f"),
        str(model.cached),
        str(model.generation_errors),
    ]


def _cell(cell: TaskCell | None) -> str:
    if cell is None:
        return "—"
    label = f" {cell.time_complexity}" if cell.time_complexity else ""
    if cell.time_complexity_family and cell.time_complexity_family != "random":
        label += f" ({cell.time_complexity_family})"
    return f"{cell.c}/{cell.n}{label}"
