"""Parse candidate source safely: every failure to parse is a value, never an exception."""

from __future__ import annotations

import ast

from codeeval.syntax_trees import parse_tree

# What compile()/ast.parse() raise on hostile text: syntax errors, null bytes (ValueError),
# nesting too deep for the parser (RecursionError, MemoryError) and huge literals (OverflowError).
PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError)


def parse_module(code: str | None) -> ast.Module | None:
    """The module's syntax tree, or None when `code` is None, blank or does not parse."""
    if code is None or not code.strip():
        return None
    try:
        return parse_tree(code)
    except PARSE_ERRORS:
        return None
