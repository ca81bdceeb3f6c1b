"""Reports: ReportData built from stored runs, compared with a baseline, written to files.

Everything here is computed from what the store holds, so a report can be rebuilt at any
time (`codeeval report RUN`). Renderers (`reports/<format>.py`, `SUFFIX` and `render`) turn
a finished ReportData into text; they never query the store or compute a metric.

- `data`: ReportData and its parts (pydantic models: the JSON report is their dump).
- `build`: one stored run → ReportData (`build_report`).
- `regressions`: drops against a baseline run, on tasks whose content is unchanged.
- `stored`: the same for a run in a store: the baseline chosen, both runs loaded
  (`find_baseline`, `build_report_for`).
- `files`: ReportData → one file per format (`write_reports`).
- `display`: a value with its interval as text; the comparison table's cells.
- `samples`: one stored sample → its SampleLine (why it failed, texts cut to size).
- `site`: the history site's runs, each against its baseline (`gather_history`, `write_site`).
- `rows`: a run's samples grouped by model and task, and the counts the tables start from.
"""

from codeeval.report.build import build_report
from codeeval.report.data import (
    SCHEMA_VERSION,
    GenerationFailure,
    MetricChange,
    MetricValue,
    ModelComparison,
    ModelSummary,
    Problem,
    Regression,
    Renderer,
    ReportData,
    RunComparison,
    RunInfo,
    SampleLine,
    StyleViolation,
    TaskCell,
    TaskFlip,
    TaskResults,
    Verdict,
)
from codeeval.report.display import (
    format_estimate,
    headline_metrics,
    higher_is_better,
    table_rows,
)
from codeeval.report.files import (
    ReportFiles,
    UnwrittenReport,
    check_formats,
    render,
    report_path,
    write_reports,
)
from codeeval.report.regressions import find_regressions
from codeeval.report.samples import cut
from codeeval.report.site import HistorySite, gather_history, write_site
from codeeval.report.stored import LATEST, build_report_for, find_baseline

__all__ = [
    "LATEST",
    "SCHEMA_VERSION",
    "ModelComparison",
    "MetricChange",
    "MetricValue",
    "GenerationFailure",
    "HistorySite",
    "ModelSummary",
    "Problem",
    "Regression",
    "Renderer",
    "ReportData",
    "ReportFiles",
    "RunComparison",
    "RunInfo",
    "SampleLine",
    "StyleViolation",
    "TaskCell",
    "TaskFlip",
    "TaskResults",
    "UnwrittenReport",
    "Verdict",
    "build_report",
    "build_report_for",
    "check_formats",
    "cut",
    "find_baseline",
    "find_regressions",
    "format_estimate",
    "gather_history",
    "headline_metrics",
    "higher_is_better",
    "render",
    "report_path",
    "table_rows",
    "write_reports",
    "write_site",
]
