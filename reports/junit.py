"""The JUnit XML report: one test case per task and model, so CI systems show failures natively.

A case fails when no graded sample of that task and model passed (the message says how many
were graded and why the first one failed); it is an error when the model gave no answer to
grade (every generation failed, or the grading infrastructure did); otherwise it passes, and
its output says how many samples passed. One test suite per model. Model output is hostile:
characters XML 1.0 cannot hold are written as escapes, and every text is cut to a bound.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict

from codeeval.report import ReportData, SampleLine, cut

SUFFIX = ".xml"
MAX_MESSAGE = 2_000
# What XML 1.0 cannot hold (a parser refuses the whole file on one of them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str | None, limit: int = MAX_MESSAGE) -> str:
    escaped = _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", value or "")
    return cut(escaped, limit) or ""


def _first_problem(samples: list[SampleLine]) -> SampleLine | None:
    return next((s for s in samples if s.status != "passed"), None)


def render(data: ReportData) -> str:
    """Render the report as JUnit XML (see the module docstring for what fails)."""
    by_cell: dict[tuple[str, str], list[SampleLine]] = defaultdict(list)
    for line in data.samples:
        by_cell[(line.model, line.task_id)].append(line)
    root = ElementTree.Element("testsuites", name=_text(f"codeeval run {data.run.id}"))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for model in data.run.models:
        suite = ElementTree.SubElement(root, "testsuite", name=_text(model))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for task in data.tasks:
            samples = by_cell.get((model, task.task_id), [])
            if not samples:
                continue
            counts["tests"] += 1
            case = ElementTree.SubElement(
                suite, "testcase", classname=_text(model), name=_text(task.task_id)
            )
            cell = task.cells.get(model)
            graded = cell.n if cell is not None else 0
            passed = cell.c if cell is not None else 0
            problem = _first_problem(samples)
            if graded == 0:
                counts["errors"] += 1
                reason = problem.error if problem is not None else None
                error = ElementTree.SubElement(
                    case,
                    "error",
                    type=_text(problem.status if problem else "no_sample"),
                    message=_text(f"no sample graded: {reason or 'no answer'}"),
                )
                error.text = _text(reason)
            elif passed == 0:
                counts["failures"] += 1
                failure = ElementTree.SubElement(
                    case,
                    "failure",
                    type=_text(problem.status if problem else "failed"),
                    message=_text(
                        f"0 of {graded} sample(s) passed; sample "
                        f"{problem.sample_index if problem else 0}: "
                        f"{problem.error if problem else 'failed'}"
                    ),
                )
                failure.text = _text(
                    "\n\n".join(
                        f"sample {s.sample_index}: {s.status}: {s.error or ''}"
                        for s in samples
                        if s.status != "passed"
                    ),
                    4 * MAX_MESSAGE,
                )
            output = ElementTree.SubElement(case, "system-out")
            output.text = f"{passed} of {graded} graded sample(s) passed"
        for name, value in counts.items():
            suite.set(name, str(value))
            totals[name] += value
    for name, value in totals.items():
        root.set(name, str(value))
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
