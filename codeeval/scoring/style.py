"""PEP 8 violations and compliance of a candidate program, as pycodestyle reports them."""

from __future__ import annotations

import io
from typing import Any

from codeeval.scoring._source import parse_module


def _violations(code: str, max_line_length: int) -> list[tuple[int, str]]:
    """(line number, code) of every error pycodestyle's command line would print for `code`."""
    import pycodestyle

    class _Collector(pycodestyle.BaseReport):  # type: ignore[misc]  # pycodestyle has no types
        """Keeps each reported error instead of printing it."""

        def __init__(self, options: Any) -> None:
            super().__init__(options)
            self.found: list[tuple[int, str]] = []

        def error(self, line_number: int, offset: int, text: str, check: Any) -> str | None:
            code: str | None = super().error(line_number, offset, text, check)
            if code is not None:
                self.found.append((line_number, code))
            return code

    guide = pycodestyle.StyleGuide(max_line_length=max_line_length, reporter=_Collector)
    # A file is read with universal newlines, so "\r\n" reaches the checks as "\n".
    lines = io.StringIO(code, newline=None).readlines()
    report = guide.init_report(_Collector)
    pycodestyle.Checker(lines=lines, options=guide.options, report=report).check_all()
    return list(report.found)


def pep8_scores(code: str, max_line_length: int = 79) -> tuple[int, float | None]:
    """`pep8_violations` and `pep8_compliance` at once, running pycodestyle once.

    Args:
        code: A Python module's source.
        max_line_length: The longest allowed line (E501).

    Returns:
        (violations, compliance), with compliance None when the code does not parse.
    """
    found = _violations(code, max_line_length)
    return len(found), _compliance(code, found) if parse_module(code) is not None else None


def pep8_violation_lines(code: str, max_line_length: int = 79) -> list[tuple[int, str]]:
    """Where `pep8_violations` finds each violation: (line number, pycodestyle code), in order.

    Args:
        code: A Python module's source.
        max_line_length: The longest allowed line (E501).

    Returns:
        One pair per violation `pep8_violations` counts.
    """
    return _violations(code, max_line_length)


def pep8_violations(code: str, max_line_length: int = 79) -> int:
    """Number of PEP 8 violations pycodestyle reports for `code`.

    Definition: the count of errors and warnings that `python -m pycodestyle
    --max-line-length=N FILE` prints for a file holding `code`, with pycodestyle's default
    configuration otherwise (its default ignore list E121, E123, E126, E226, E24, E704, W503,
    W504; every occurrence counted; `# noqa` honoured where pycodestyle honours it; no
    project or user configuration file read).

    Args:
        code: A Python module's source (it need not parse: pycodestyle checks text).
        max_line_length: The longest allowed line (E501); PEP 8 says 79.

    Returns:
        The number of violations; 0 for empty code.
    """
    return len(_violations(code, max_line_length))


def pep8_compliance(code: str, max_line_length: int = 79) -> float | None:
    """Share of the program's lines that have no PEP 8 violation, in [0, 1].

    Definition: `1 - |V| / |L|`, where V is the set of physical lines on which pycodestyle
    reports at least one violation (as counted by `pep8_violations`), and L is the set of
    lines that are not blank, together with any blank line that carries a violation (such as
    W293 whitespace on a blank line or W391 a blank line at the end), so that V is a subset
    of L. A violation's line is the one pycodestyle reports it on.

    Args:
        code: A Python module's source.
        max_line_length: The longest allowed line (E501); PEP 8 says 79.

    Returns:
        The share, or None when the code is blank or does not parse (its style is then
        not measured: the compile rate already counts it).
    """
    if parse_module(code) is None:
        return None
    return _compliance(code, _violations(code, max_line_length))


def _compliance(code: str, found: list[tuple[int, str]]) -> float:
    """`pep8_compliance` from the violations already found."""
    lines = io.StringIO(code, newline=None).readlines()
    flagged = {line for line, _ in found}
    counted = {number for number, text in enumerate(lines, start=1) if text.strip()} | flagged
    return 1.0 - len(flagged) / len(counted)
