"""Finding candidate code blocks in a response: fences, runs of code in prose, cut-off tails."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from codeeval.syntax_trees import PARSE_ERRORS, parse_or_none

CODE_START = re.compile(r"^(@[\w.]+|def |async def |class |import |from [\w.]+ import )")
# A line that starts like a Python statement; prose rarely starts lower-case like this.
STATEMENT_START = re.compile(
    r"^\s*((def|class|import|from|return|for|while|if|elif|else|try|except|finally|with|raise"
    r"|yield|assert|pass|break|continue|global|nonlocal|del|async|await|lambda)\b"
    r"|@|[A-Za-z_][\w.]*(\[[^\]]*\])?\s*([-+*/%&|^@]|//|\*\*|<<|>>)?=[^=]"
    r"|[A-Za-z_][\w.]*\(|#)"
)
_REASONING_TAG = re.compile(
    r"<(?:(?P<open>think|thinking|reasoning)|/(?P<close>think|thinking|reasoning)\s*)>", re.I
)
_OPEN_REASONING = re.compile(r"<(think|thinking|reasoning)>", re.I)
_CLOSE_REASONING = re.compile(r"</(think|thinking|reasoning)\s*>", re.I)
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
FENCED_REGION = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?(^[ \t]*\1[ \t]*$|\Z)", re.S | re.M)
_PYTHON_INFO = re.compile(r"^(python\d*|py\d*|ipython\d*|sage)$")
_TRUNCATED_MESSAGES = ("never closed", "unterminated", "unexpected eof", "expected an indented")
_MAX_PARSES = 400  # bound on repair attempts, so hostile input stays fast


@dataclass(slots=True)
class Block:
    """One candidate piece of code from the response."""

    index: int
    code: str
    open_ended: bool  # unclosed fence, or code running to the end of the answer
    tree: ast.Module | None = None
    dropped_lines: int = 0


def syntax_error(code: str) -> SyntaxError | None:
    """The error compiling `code` raises (as `compiles` checks it), or None."""
    try:
        compile(code, "<candidate>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except PARSE_ERRORS:
        return SyntaxError("unparsable")
    return None


def _without_closed_sections(text: str) -> str:
    """`text` less every `<think>...</think>`, in one pass over its tags.

    A section ends at the first closing tag of the same name after it opened. A lazy
    regular expression tried at each opening tag costs time quadratic in the number of
    tags never closed; here each tag is looked at once.
    """
    tags = list(_REASONING_TAG.finditer(text))
    following: dict[str, int] = {}  # name -> index in tags of the next closing tag
    next_closing: list[int | None] = [None] * len(tags)
    for index in range(len(tags) - 1, -1, -1):
        opening, closing = tags[index]["open"], tags[index]["close"]
        if closing:
            following[closing.lower()] = index
        else:
            next_closing[index] = following.get(opening.lower())
    kept, position, index = [], 0, 0
    while index < len(tags):
        closing = next_closing[index]
        if closing is None:
            index += 1
            continue
        kept.append(text[position : tags[index].start()])
        position = tags[closing].end()
        index = closing + 1
    kept.append(text[position:])
    return "".join(kept)


def strip_reasoning(text: str) -> tuple[str, bool]:
    """The answer without reasoning sections; True if any was removed."""
    stripped = _without_closed_sections(text)
    closing = list(_CLOSE_REASONING.finditer(stripped))
    if closing:  # the chat template opened the section, the model only closed it
        stripped = stripped[closing[-1].end() :]
    opening = _OPEN_REASONING.search(stripped)
    if opening:  # cut off while still reasoning
        stripped = stripped[: opening.start()]
    return stripped, stripped != text


def fenced_blocks(text: str) -> tuple[list[Block], int]:
    """Python-looking fenced blocks, and how many fenced blocks there were in all."""
    lines = text.split("\n")
    blocks: list[Block] = []
    total, i = 0, 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        total += 1
        fence, indent = opening["fence"], len(opening["indent"])
        body: list[str] = []
        i += 1
        while i < len(lines):
            closing = _FENCE.match(lines[i])
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence):
                if not closing["info"]:
                    break
            body.append(_dedent_line(lines[i], indent))
            i += 1
        open_ended = i >= len(lines)
        i += 1
        code = "\n".join(body).strip("\n") + "\n"
        if code.strip() and _is_python(opening["info"], code):
            blocks.append(Block(len(blocks), code, open_ended))
    return blocks, total


def _dedent_line(line: str, indent: int) -> str:
    """Remove up to `indent` leading blanks: the fence's own indentation (in a list item)."""
    cut = 0
    while cut < indent and cut < len(line) and line[cut] in " \t":
        cut += 1
    return line[cut:]


def _is_python(info: str, code: str) -> bool:
    """Whether a fenced block is Python: labelled so, or unlabelled and looking like it."""
    language = re.split(r"[\s:{},=]+", info.strip().lower().lstrip("{."), maxsplit=1)[0]
    if language:
        return bool(_PYTHON_INFO.match(language))
    if any(line.startswith((">>>", "$ ")) for line in code.split("\n")):
        return False
    return looks_like_code(code)


def looks_like_code(code: str) -> bool:
    """Parses into something beyond a bare name or constant, or starts like Python code."""
    tree = parse_or_none(code)
    if tree is not None:
        return any(not _is_trivial(node) for node in tree.body)
    return any(CODE_START.match(line) for line in code.split("\n"))


def _is_trivial(node: ast.stmt) -> bool:
    """An expression that does nothing: prose ("Sure") or printed output ("[1, 2, 3]")."""
    doing = ast.Call | ast.Await | ast.Yield | ast.YieldFrom | ast.NamedExpr
    return isinstance(node, ast.Expr) and not isinstance(node.value, doing)


def longest_parsing_prefix(head: str, lines: list[str]) -> int:
    """The most leading `lines` that parse after `head`; 0 if none do (within the budget).

    A syntax error at line k means no prefix that includes line k parses (unless it is an
    error of an unfinished end, which a shorter prefix also fixes), so the search jumps to
    just before the error line instead of dropping one line at a time.
    """
    base = head.count("\n")
    end = len(lines)
    for _ in range(_MAX_PARSES):
        if end <= 0:
            return 0
        error = syntax_error(head + "\n".join(lines[:end]) + "\n")
        if error is None:
            return end if "\n".join(lines[:end]).strip() else 0
        line = (error.lineno if isinstance(error.lineno, int) else 0) - base
        if line == 1:  # the first line itself is broken: every prefix holds it
            return 0
        end = line - 1 if 1 < line <= end else end - 1
    return 0


def _ends_cut_off(code: str) -> bool:
    """Whether the code fails to parse only because its end is missing."""
    error = syntax_error(code)
    if error is None:
        return False
    last = len(code.rstrip("\n").split("\n"))
    message = str(error.msg or "").lower()
    at_end = isinstance(error.lineno, int) and error.lineno >= last
    return at_end or any(m in message for m in _TRUNCATED_MESSAGES)


def repair_tail(code: str) -> tuple[str, int]:
    """Drop the incomplete last lines of cut-off code until it parses: (code, lines dropped).

    Only an error at the end (an unclosed bracket or string, a missing block, an error on the
    last line) is taken for truncation; code broken elsewhere is returned as it is.
    """
    if not _ends_cut_off(code):
        return code, 0
    lines = code.rstrip("\n").split("\n")
    keep = longest_parsing_prefix("", lines)
    if keep == 0:
        return code, 0
    return "\n".join(lines[:keep]).rstrip() + "\n", len(lines) - keep


def _code_run(lines: list[str], start: int) -> int:
    """How many lines from `start` form a run of code that parses (0 if none).

    The run is looked for in a window that grows fourfold while the code in it runs to its
    edge, so that a long answer costs a few parses, not one per line.
    """
    window = 64
    while True:
        end = min(len(lines), start + window)
        chunk = "\n".join(lines[start:end]) + "\n"
        if end < len(lines) and (syntax_error(chunk) is None or _ends_cut_off(chunk)):
            window *= 4
            continue
        return longest_parsing_prefix("", lines[start:end])


def prose_blocks(text: str) -> tuple[list[Block], bool]:
    """Runs of lines that parse as Python in an answer without fences.

    Each run starts at a line that starts like code (`def`, `class`, `import`, a decorator).
    Also returns whether the last run was cut short: its dropped tail was code, not prose.
    """
    lines = text.split("\n")
    blocks: list[Block] = []
    start, cut_short = 0, False
    while start < len(lines):
        if not CODE_START.match(lines[start]):
            start += 1
            continue
        keep = _code_run(lines, start)
        if keep == 0:
            start += 1
            continue
        code = "\n".join(lines[start : start + keep]).strip("\n") + "\n"
        blocks.append(Block(len(blocks), code, open_ended=start + keep >= len(lines)))
        start += keep
        following = next((lines[j] for j in range(start, len(lines)) if lines[j].strip()), None)
        cut_short = following is not None and bool(STATEMENT_START.match(following))
    return blocks, cut_short
