"""The JSON report: ReportData as it is, with its schema_version, for programs to read."""

from codeeval.report import ReportData

SUFFIX = ".json"


def render(data: ReportData) -> str:
    """Serialise the report; stable key order, two-space indent."""
    return data.model_dump_json(indent=2) + "\n"
