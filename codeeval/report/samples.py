"""One stored sample as a report shows it: why it did not pass, and its texts cut to size.

Model output is hostile input: an answer, its program and its stdout can be huge. Each text
is cut to a bound with a visible note, so a report costs bounded memory per sample whatever
the model sent.
"""

from __future__ import annotations

from codeeval.report.data import SampleLine, StyleViolation
from codeeval.scoring import MAX_STATIC_CODE_CHARS, pep8_violation_lines
from codeeval.store import SampleRow
from codeeval.types import ExecResult, Status

MAX_TEXT_CHARS = 20_000  # prompt, response, code
MAX_OUTPUT_CHARS = 4_000  # stdout
MAX_MESSAGE_CHARS = 2_000  # error messages
MAX_VIOLATIONS = 200
MAX_TIMINGS = 100

# Why a sample without a message did not pass, by status.
_STATUS_REASONS = {
    Status.FAILED: "a test failed",
    Status.ERROR: "the program raised an error",
    Status.TIMEOUT: "the time limit was exceeded",
    Status.MEMORY_LIMIT: "the memory limit was exceeded",
    Status.OUTPUT_LIMIT: "the program printed more than the output limit",
    Status.SYNTAX_ERROR: "the extracted code does not compile",
    Status.KILLED: "the program was killed",
    Status.NO_CODE: "the response held no code to run",
    Status.GENERATION_ERROR: "the provider failed for good",
    Status.INFRA_ERROR: "the grading workers died; this says nothing about the code",
}


def cut(text: str | None, limit: int = MAX_TEXT_CHARS) -> str | None:
    """`text` up to `limit` characters, with a note saying how much was cut when it is longer.

    Args:
        text: Any text (None stays None).
        limit: The number of characters kept.

    Returns:
        The text, or its first `limit` characters followed by "[cut here: N more characters]".
    """
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}\n… [cut here: {len(text) - limit} more characters]"


def _first_failure(execution: ExecResult | None) -> tuple[str | None, str | None]:
    """(test name, "name: message") of the first test that did not pass, or (None, message)."""
    if execution is None:
        return None, None
    for case in execution.cases:
        if case.status is not Status.PASSED:
            detail = case.message or str(case.status)
            return case.name, f"{case.name}: {detail}"
    return None, execution.message or None


def _error(status: Status, row: SampleRow) -> tuple[str | None, str | None]:
    """(failing test, why the sample did not pass); (None, None) for a passed sample."""
    if status is Status.PASSED:
        return None, None
    generation, result = row.generation, row.result
    if result is None:
        error = generation.error if generation is not None else None
        return None, error or _STATUS_REASONS[Status.GENERATION_ERROR]
    test, message = _first_failure(result.execution)
    return test, message or _STATUS_REASONS.get(status, f"{status}: it did not pass")


def _violations(code: str | None, violations: object, max_line_length: int) -> list[StyleViolation]:
    """Each PEP 8 violation by line, for code the static metrics measured and found some in."""
    if not code or not violations or len(code) > MAX_STATIC_CODE_CHARS:
        return []
    found = pep8_violation_lines(code, max_line_length)[:MAX_VIOLATIONS]
    return [StyleViolation(line=line, code=name) for line, name in found]


def _families(execution: ExecResult | None) -> dict[str, list[tuple[int, float]]]:
    """(size, seconds) of the verified points of each input family the sample was timed on."""
    if execution is None or execution.timing is None:
        return {}
    timing = execution.timing
    return {
        family.family: [(n, s) for n, s in timing.pairs(family.family)[:MAX_TIMINGS]]
        for family in timing.families[:MAX_TIMINGS]
    }


def sample_line(row: SampleRow, max_line_length: int = 79) -> SampleLine:
    """One stored sample as the report carries it.

    Args:
        row: The sample with its generation and result, as the store returns it.
        max_line_length: The run's longest allowed line, for the PEP 8 violations.

    Returns:
        Its SampleLine: verdict, scores, why it did not pass, and its texts cut to size.
    """
    generation, result = row.generation, row.result
    status = result.status if result is not None else Status.GENERATION_ERROR
    failing_test, error = _error(status, row)
    execution = result.execution if result is not None else None
    code = generation.code if generation is not None else None
    scores = dict(result.scores) if result is not None else {}
    return SampleLine(
        task_id=row.key.task_id,
        model=row.key.model,
        sample_index=row.key.sample_index,
        status=str(status),
        scores=scores,
        input_tokens=generation.input_tokens if generation else None,
        output_tokens=generation.output_tokens if generation else None,
        latency_s=generation.latency_s if generation else None,
        cost_usd=generation.cost_usd if generation else None,
        error=cut(error, MAX_MESSAGE_CHARS),
        failing_test=cut(failing_test, MAX_MESSAGE_CHARS),
        prompt=cut(generation.prompt) if generation else None,
        response=cut(generation.text) if generation else None,
        code=cut(code),
        extract_method=generation.extract_method if generation else "",
        stdout=cut(execution.stdout, MAX_OUTPUT_CHARS) if execution and execution.stdout else None,
        pep8=_violations(code, scores.get("pep8_violations"), max_line_length),
        timings=[(n, s) for n, s in execution.timings[:MAX_TIMINGS]] if execution else [],
        timings_by_family=_families(execution),
        timing_clock=execution.timing.clock if execution and execution.timing else None,
    )
