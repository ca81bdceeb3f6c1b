"""Terminal output for the CLI: the rich comparison table and the run's progress bar."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from codeeval.listener import RunListener
from codeeval.report import ReportData, SampleLine, format_estimate, table_rows
from codeeval.store import RunSummary
from codeeval.types import SampleKey, Status

# C0 and C1 controls (but newline and tab), DEL, and the bidirectional marks and overrides that
# reorder what a terminal shows: none of them from a model's answer may reach the terminal.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with each control character shown as its escape (ESC as x1b); newlines kept.

    Model output is hostile: an escape sequence in an answer could recolour, move the cursor
    or rewrite what the terminal shows; printed through this, it is only text.
    """
    return _UNPRINTABLE.sub(_escape, text)


def _block(title: str, text: str | None) -> list[str]:
    if not text:
        return []
    return [f"--- {title} ---", text.rstrip("\n")]


def sample_lines(line: SampleLine) -> list[str]:
    """One sample as `codeeval show --task --model` prints it (to be passed to `printable`)."""
    scores = ", ".join(
        f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value}"
        for name, value in sorted(line.scores.items())
        if value is not None
    )
    tokens = f"{line.input_tokens or 0} in, {line.output_tokens or 0} out"
    out = [
        f"=== {line.task_id} · {line.model} · sample {line.sample_index}: {line.status} ===",
        f"error: {line.error}" if line.error else "",
        f"failing test: {line.failing_test}" if line.failing_test else "",
        f"tokens: {tokens}; extraction: {line.extract_method or '—'}",
        f"scores: {scores}" if scores else "",
    ]
    out += _block("prompt", line.prompt)
    out += _block("response", line.response)
    out += _block("code", line.code)
    out += _block("stdout", line.stdout)
    if line.pep8:
        out += _block("PEP 8", "\n".join(f"line {v.line}: {v.code}" for v in line.pep8))
    if line.timings_by_family:
        out += _block(
            f"timings ({line.timing_clock or 'cpu'} clock)",
            "\n".join(
                f"{family} n={n}: {s:.6f} s"
                for family, points in line.timings_by_family.items()
                for n, s in points
            ),
        )
    elif line.timings:
        out += _block("timings", "\n".join(f"n={n}: {s:.6f} s" for n, s in line.timings))
    return [text for text in out if text] + [""]


def comparison_table(data: ReportData) -> Table:
    """The per-model comparison table, as printed after every run."""
    rows = table_rows(data)
    table = Table(title=f"codeeval run {data.run.id}", title_justify="left")
    for index, column in enumerate(rows[0] if rows else ["model"]):
        table.add_column(column, justify="left" if index == 0 else "right", no_wrap=index == 0)
    for row in rows:
        table.add_row(*row.values())
    return table


def pass_at_k_table(data: ReportData) -> Table | None:
    """pass@k with its interval for each k the run reports; None when only pass@1 applies."""
    if len(data.ks) < 2:
        return None
    table = Table(title="pass@k", title_justify="left")
    table.add_column("model", justify="left", no_wrap=True)
    for k in data.ks:
        table.add_column(f"pass@{k}", justify="right")
    for model in data.models:
        table.add_row(model.model, *[format_estimate(model.pass_at.get(k), ".0%") for k in data.ks])
    return table


def _show(value: float | None, fmt: str, prefix: str = "") -> str:
    return "—" if value is None else prefix + format(value, fmt)


def deployment_table(data: ReportData) -> Table | None:
    """Tokens, speed and cost per model; None when no model generated any token."""
    rows = [(m.model, m.deployment) for m in data.models if m.deployment is not None]
    if not any(deployment.output_tokens for _, deployment in rows):
        return None
    table = Table(title="deployment", title_justify="left")
    for column in (
        "model",
        "tokens in",
        "tokens out",
        "output tokens/s",
        "first token p50 s",
        "cost",
        "per solved task",
        "peak GPU MB",
    ):
        table.add_column(column, justify="left" if column == "model" else "right")
    for model, d in rows:
        table.add_row(
            model,
            str(d.input_tokens),
            str(d.output_tokens),
            _show(d.output_tokens_per_s, ".1f"),
            _show(d.first_token_median_s, ".2f"),
            _show(d.cost_usd, ".4f", "$"),
            _show(d.cost_per_solved_task_usd, ".4f", "$"),
            _show(d.peak_memory_mb, ".0f"),
        )
    return table


def comparison_lines(data: ReportData) -> list[str]:
    """One line per pair of models: the pass@1 difference and whether it is significant."""
    lines = []
    for c in data.comparisons:
        interval = "" if c.low is None or c.high is None else f" [{c.low:+.1%}, {c.high:+.1%}]"
        verdict = "significant" if c.significant else "not significant"
        p_value = "" if c.p_value is None else f", p={c.p_value:.3f}"
        lines.append(
            f"{c.model_a} vs {c.model_b}: pass@1 {c.difference:+.1%}{interval} over {c.tasks} "
            f"task(s), {c.method}{p_value}: {verdict}"
        )
    return lines


def runs_table(summaries: Sequence[RunSummary]) -> Table:
    """`codeeval runs` as a table."""
    table = Table(title="runs", title_justify="left")
    for column in ("id", "created", "status", "models", "tasks", "samples", "graded"):
        table.add_column(column)
    for run in summaries:
        tasks = ", ".join(run.tasks[:3]) + (
            f" (+{len(run.tasks) - 3})" if len(run.tasks) > 3 else ""
        )
        table.add_row(
            str(run.id),
            run.created_at,
            run.status,
            ", ".join(run.models),
            tasks,
            str(run.samples),
            str(run.graded),
        )
    return table


class ProgressListener(RunListener):
    """Draws generation and grading progress on stderr while a run goes on."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.run_id: int | None = None
        self._lock = threading.Lock()
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._generate = self._progress.add_task("generate", total=None, visible=False)
        self._grade = self._progress.add_task("grade", total=None, visible=False)

    def __enter__(self) -> ProgressListener:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def started(self, run_id: int) -> None:
        """Remember the run id, for the resume hint on Ctrl-C."""
        self.run_id = run_id

    def stage(self, message: str) -> None:
        """Show a new phase."""
        self.console.print(f"{message}…", style="dim", markup=False, highlight=False)

    def warn(self, message: str) -> None:
        """Show a warning line."""
        self.console.print(f"warning: {message}", style="yellow", markup=False)

    def planned(self, to_generate: int, to_grade: int) -> None:
        """Size the bars."""
        self._progress.update(self._generate, total=to_generate, visible=to_generate > 0)
        self._progress.update(self._grade, total=to_grade, visible=True)

    def generated(self, key: SampleKey, source: str) -> None:
        """Advance the generation bar (stored answers are not generated again)."""
        if source != "stored":
            with self._lock:
                self._progress.advance(self._generate)

    def graded(self, key: SampleKey, status: Status) -> None:
        """Advance the grading bar."""
        with self._lock:
            self._progress.advance(self._grade)
