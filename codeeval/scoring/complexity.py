"""Radon's cyclomatic complexity and maintainability index of a candidate program."""

from __future__ import annotations

import io
import tokenize

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
    lines) / source lines. A module with no logical line or zero volume scores 100. The line
    counts are radon's (`radon.raw.analyze`), computed in time linear in the code's length
    (radon's own re-tokenises a statement once per physical line it spans).

    Args:
        code: A Python module's source.

    Returns:
        The index, or None when the code is blank or does not parse.
    """
    tree = parse_module(code)
    if tree is None:
        return None
    counts = _raw_counts(code)
    if counts is None:
        return None
    from radon.metrics import h_visit_ast, mi_compute
    from radon.visitors import ComplexityVisitor

    lloc, sloc, comment_lines = counts
    comments = comment_lines / sloc * 100 if sloc else 0
    volume = h_visit_ast(tree).total.volume
    complexity = ComplexityVisitor.from_ast(tree).total_complexity
    return float(mi_compute(volume, complexity, lloc, comments))


def _raw_counts(code: str) -> tuple[int, int, int] | None:
    """Radon's logical lines, source lines, and comment plus multi-line string lines.

    `radon.raw.analyze` strips every line, then takes the shortest run of lines from the
    current one that tokenizes on its own, and counts each run. The runs end where the
    tokenizer is back at the top level: at a NEWLINE or NL token outside brackets (or at a
    line left after the last such token). Here they are found in one pass over the text, and
    each run is tokenized once, as radon tokenizes it, so the counts are radon's.

    Returns:
        (lloc, sloc, comments + multi), or None when the text does not tokenize cleanly.
    """
    from radon.raw import _logical

    lines = [line.strip() for line in code.splitlines()]
    ends: list[int] = []  # the last line (0-based) of each run
    depth = 0
    try:
        for token in _tokens("\n".join(lines)):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            elif token.type in (tokenize.NEWLINE, tokenize.NL) and depth == 0:
                if not ends or ends[-1] != token.start[0] - 1:
                    ends.append(token.start[0] - 1)
    except (tokenize.TokenError, SyntaxError):
        return None
    ends += range((ends[-1] + 1) if ends else 0, len(lines))  # lines after the last run
    lloc = sloc = comments = multi = 0
    start = 0
    for end in ends:
        run = lines[start : end + 1]
        start = end + 1
        try:
            tokens = list(_tokens("\n".join(run)))
        except (tokenize.TokenError, SyntaxError):
            return None
        if any(token.type == tokenize.ERRORTOKEN for token in tokens):
            return None  # radon would join more lines; valid code does not get here
        comments += sum(1 for token in tokens if token.type == tokenize.COMMENT)
        if _single(tokenize.COMMENT, tokens):
            pass  # a comment line: neither source nor multi-line string
        elif _single(tokenize.STRING, tokens):
            if tokens[0].start[0] != tokens[0].end[0]:
                multi += sum(1 for line in run if line)
        else:
            sloc += sum(1 for line in run if line)
        lloc += _logical(tokens)
    return lloc, sloc, comments + multi


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(text).readline))


def _single(kind: int, tokens: list[tokenize.TokenInfo]) -> bool:
    """One token of `kind`, then only line ends: radon's `is_single_token`."""
    ends = (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE)
    return tokens[0].type == kind and all(token.type in ends for token in tokens[1:])
