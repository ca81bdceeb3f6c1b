"""Report files: a ReportData rendered by each format asked for, one file per format.

A format is a renderer (`reports/<format>.py`: `render` and `SUFFIX`), found by name through
the registry, so a third party's renderer writes files the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codeeval import registry
from codeeval.errors import os_error_reason
from codeeval.report.data import ReportData

REPORT_STEM = "report"  # run-N/report.json, run-N/report.md, ...


@dataclass(frozen=True, slots=True)
class UnwrittenReport:
    """A report file that could not be written, and why."""

    format: str
    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class ReportFiles:
    """What `write_reports` did: each format's file, and those it could not write."""

    written: dict[str, Path] = field(default_factory=dict)
    failed: tuple[UnwrittenReport, ...] = ()


def check_formats(formats: Sequence[str]) -> None:
    """Refuse a format no renderer has, before anything is run.

    Raises:
        UnknownName: a format that is not a renderer; the message lists those there are.
    """
    for name in formats:
        registry.resolve(registry.RENDERERS, name)


def render(data: ReportData, format: str) -> str:
    """The report as `format` (json, markdown, html, or a third party's) renders it.

    Raises:
        UnknownName: no renderer has that name.
    """
    rendered: str = registry.resolve(registry.RENDERERS, format)(data)
    return rendered


def report_path(folder: Path, format: str) -> Path:
    """Where `write_reports` puts the `format` file in `folder`: `report.json`, `report.md`..."""
    suffix = registry.resolve_attribute(registry.RENDERERS, format, "SUFFIX")
    return folder / f"{REPORT_STEM}{suffix}"


def write_reports(data: ReportData, folder: Path, formats: Sequence[str]) -> ReportFiles:
    """Write one file per format into `folder` (made when missing), each in one step.

    A file that cannot be written does not stop the others: the run is stored either way,
    so the caller says so after its summary (`ReportFiles.failed`).

    Raises:
        UnknownName: a format no renderer has.
    """
    written: dict[str, Path] = {}
    failed: list[UnwrittenReport] = []
    for name in formats:
        path = report_path(folder, name)
        text = render(data, name)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            failed.append(UnwrittenReport(name, path, os_error_reason(exc)))
        else:
            written[name] = path
    return ReportFiles(written, tuple(failed))
