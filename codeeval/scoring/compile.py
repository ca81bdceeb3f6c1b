"""Whether a candidate program compiles."""

from __future__ import annotations

from codeeval.syntax_trees import PARSE_ERRORS


def compiles(code: str | None) -> bool:
    """Whether `code` compiles as a Python module.

    Definition: `compile(code, "<candidate>", "exec", dont_inherit=True)` returns without
    raising. None, the empty string and whitespace-only text are False: there is no program.
    The compiler runs the same checks as import does (for example `return` outside a
    function, or a `nonlocal` with no binding, fail), but nothing is executed.

    Args:
        code: The extracted program, or None when the response held no code.

    Returns:
        True when the program compiles.
    """
    if code is None or not code.strip():
        return False
    try:
        compile(code, "<candidate>", "exec", dont_inherit=True)
    except PARSE_ERRORS:
        return False
    return True
