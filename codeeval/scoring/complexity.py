"""Radon's cyclomatic complexity and maintainability index of a candidate program."""

from __future__ import annotations

from codeeval.scoring._source import parse_module


def _function_complexities(code: str) -> list[int] | None:
    """Radon's CC of every function and method block, or None when the code does not parse."""
    tree = parse_module(code)
    if tree is None:
        return None
    from radon.visitors import ComplexityVisitor, Function

    blocks = ComplexityVisitor.from_ast(tree).blocks
    return [block.complexity for block in blocks if isinstance(block, Function)]


def cyclomatic_complexity(code: str) -> float | None:
    """Mean cyclomatic complexity of the functions and methods in `code`, as radon computes it.

    Definition: the arithmetic mean of radon's McCabe complexity over the blocks that
    `radon cc` reports as `function` or `method` (classes are left out, since a class's value
    summarises its methods; a nested function is neither a block of its own nor added to its
    parent, as in `radon cc` without `--show-closures`; a lambda counts in its enclosing
    block). Radon's count for a block is 1, plus 1 for each `if`, `elif` and
    conditional expression, each `for`/`while` (and 1 more for its `else`), each `except`
    clause (and 1 for a `try`'s `else`), each `case` but a wildcard, each boolean operator
    beyond the first operand, each comprehension (plus its `if`s) and each `assert`.

    Args:
        code: A Python module's source.

    Returns:
        The mean, or None when the code does not parse or defines no function or method.
    """
    values = _function_complexities(code)
    if not values:
        return None
    return sum(values) / len(values)


def max_cyclomatic_complexity(code: str) -> float | None:
    """Largest radon cyclomatic complexity among the functions and methods in `code`.

    Definition: the maximum over the same blocks as `cyclomatic_complexity`.

    Args:
        code: A Python module's source.

    Returns:
        The maximum, or None when the code does not parse or defines no function or method.
    """
    values = _function_complexities(code)
    if not values:
        return None
    return float(max(values))


def maintainability_index(code: str) -> float | None:
    """Radon's maintainability index of `code`, in [0, 100], as `radon mi` reports it.

    Definition: radon's variant, with multi-line strings counted as comments (the default of
    `radon mi`, i.e. `radon.metrics.mi_visit(code, multi=True)`):
    `MI = clamp(0, 100, (171 - 5.2 ln V - 0.23 G - 16.2 ln L + 50 sin(sqrt(2.46 r))) * 100 / 171)`
    where V is the module's Halstead volume, G its total cyclomatic complexity, L its number
    of logical lines, and r = radians(C) with C = 100 x (comment lines + multi-line string
    lines) / source lines. A module with no logical line or zero volume scores 100.

    Args:
        code: A Python module's source.

    Returns:
        The index, or None when the code is blank or does not parse.
    """
    if parse_module(code) is None:
        return None
    from radon.metrics import mi_visit

    return float(mi_visit(code, multi=True))
