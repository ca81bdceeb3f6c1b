"""The HTML report: one self-contained page (no scripts, no external assets)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from codeeval.report import ReportData, format_estimate, table_rows

SUFFIX = ".html"


def render(data: ReportData) -> str:
    """Render the report as a standalone HTML page; every value is HTML-escaped."""
    environment = Environment(
        loader=PackageLoader("codeeval.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("report.html.j2")
    return template.render(data=data, rows=table_rows(data), estimate=format_estimate)
