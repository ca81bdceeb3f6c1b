"""Parse candidate source safely: every failure to parse is a value, never an exception."""

from __future__ import annotations

import ast

from codeeval.syntax_trees import parse_or_none


def parse_module(code: str | None) -> ast.Module | None:
    """The module's syntax tree, or None when `code` is None, blank or does not parse."""
    if code is None or not code.strip():
        return None
    return parse_or_none(code)
