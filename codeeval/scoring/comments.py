"""Comment coverage: the share of a program's lines that carry a comment or a docstring."""

from __future__ import annotations

import ast
import io
import re
import tokenize

from codeeval.scoring._source import parse_module

# Comments addressed to tools, not readers: they do not document anything.
_PRAGMA = re.compile(r"#\s*(noqa|type:|pragma|pylint:|fmt:|mypy:|isort:|ruff:|nosec)", re.I)
_CODING = re.compile(r"^#.*coding[:=]")


def _docstring_lines(tree: ast.Module) -> set[int]:
    """Physical lines spanned by the module, class and function docstrings of `tree`."""
    lines: set[int] = set()
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(tree):
        if not isinstance(node, owners) or not node.body:
            continue
        first = node.body[0]
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def _comment_lines(code: str) -> set[int] | None:
    """Physical lines holding a `#` comment written for readers, or None if tokenizing fails."""
    lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type != tokenize.COMMENT:
                continue
            text, line = token.string, token.start[0]
            is_header = line <= 2 and (text.startswith("#!") or _CODING.match(text))
            if text.strip("#").strip() and not is_header and not _PRAGMA.match(text):
                lines.add(line)
    except (tokenize.TokenError, SyntaxError):
        return None
    return lines


def comment_coverage(code: str) -> float | None:
    """Share of the program's non-blank lines that carry a comment or a docstring, in [0, 1].

    Definition: `|D| / |N|`, where N is the set of physical lines that are not blank
    (whitespace only), and D is the set of lines of N that hold a `#` comment (a whole-line
    or an inline one, found with `tokenize`) or lie within a docstring (the string literal
    that is the first statement of the module, a class or a function, found with `ast`).
    Comments that document nothing are left out of D: empty comments (`#`), a shebang or
    coding line in the first two lines, and tool pragmas (`# noqa`, `# type:`, `# pragma`,
    `# pylint:`, `# fmt:`, `# mypy:`, `# isort:`, `# ruff:`, `# nosec`). Other strings
    (including multi-line strings that are not docstrings) count as code.

    Args:
        code: A Python module's source.

    Returns:
        The share, or None when the code is blank or does not parse.
    """
    tree = parse_module(code)
    if tree is None:
        return None
    # Python ends a line at "\r\n", "\r" or "\n"; str.splitlines() would also split at
    # form feeds and other separators that do not end a line of code.
    code = code.replace("\r\n", "\n").replace("\r", "\n")
    comments = _comment_lines(code)
    if comments is None:
        return None
    text_lines = code.split("\n")
    non_blank = {number for number, text in enumerate(text_lines, start=1) if text.strip()}
    if not non_blank:
        return None
    documented = (comments | _docstring_lines(tree)) & non_blank
    return len(documented) / len(non_blank)
