"""Python syntax trees, built by one thread at a time.

CPython 3.11 keeps the AST constructor's recursion depth in state that all the threads of an
interpreter share. When two threads build trees at once (one thread's garbage collection runs
Python finalizers in the middle of its `ast.parse`, and the other thread runs meanwhile),
they corrupt it, and `ast.parse` raises `SystemError: AST constructor recursion depth
mismatch` for code that is fine (python/cpython#106905). A run parses answers in its
generation threads while another thread scores earlier ones, so every tree codeeval builds is
built here, under one lock. Compiling to bytecode builds no tree objects and needs no lock.
Extraction and scoring both read model output, so what hostile text makes the parser raise
is listed here once.
"""

from __future__ import annotations

import ast
import threading

# What compile()/ast.parse() raise on hostile text: syntax errors, null bytes (ValueError),
# nesting too deep for the parser (RecursionError, MemoryError) and huge literals (OverflowError).
PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError)
# Reentrant: a finalizer that runs during a parse may parse too, in the same thread.
_LOCK = threading.RLock()


def parse_tree(source: str, filename: str = "<unknown>") -> ast.Module:
    """`ast.parse(source, filename)`, never while another thread builds a tree here.

    Raises:
        What `ast.parse` raises for `source` (SyntaxError, ValueError, RecursionError, ...).
    """
    with _LOCK:
        return ast.parse(source, filename=filename)


def parse_or_none(source: str) -> ast.Module | None:
    """The syntax tree of `source`, or None when it does not parse (any of `PARSE_ERRORS`)."""
    try:
        return parse_tree(source)
    except PARSE_ERRORS:
        return None
