"""extract_code: choose the answer's block, complete it, and say how it was found."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from codeeval.extract.blocks import (
    CODE_START,
    FENCED_REGION,
    STATEMENT_START,
    Block,
    fenced_blocks,
    longest_parsing_prefix,
    looks_like_code,
    prose_blocks,
    repair_tail,
    strip_reasoning,
    syntax_error,
)
from codeeval.extract.names import (
    assemble,
    defines,
    helpers_from_other_blocks,
    prefix_context,
    unique,
)
from codeeval.syntax_trees import parse_or_none


@dataclass(frozen=True, slots=True)
class Extraction:
    """The program found in a response, and how it was found.

    `method` is "fence" (a markdown code block), "bare" (the whole answer is code),
    "prose" (code lines found among prose, without fences) or "none" (no code: `code` is
    None). `completion` is True when the code is the task's prefix followed by the answer.
    `blocks` counts the code blocks found; `truncated` says an incomplete tail was dropped;
    `notes` lists anything else done, for the record.
    """

    code: str | None
    method: str
    blocks: int = 0
    truncated: bool = False
    completion: bool = False
    notes: tuple[str, ...] = ()


def _has_definitions(block: Block) -> bool:
    """Defines a function or class that is not a test."""
    if block.tree is None:
        return CODE_START.match(block.code.lstrip()) is not None and "def " in block.code
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not n.name.lower().startswith("test")
        for n in block.tree.body
    )


def _choose(blocks: list[Block], entry_point: str | None) -> Block | None:
    """The block holding the answer.

    The last complete block defining the entry point, else the block with the most
    definitions, else the longest.
    """
    if entry_point:
        defining = [b for b in blocks if defines(b.tree, entry_point)]
        if defining:
            return max(defining, key=lambda b: (b.dropped_lines == 0, b.index))
    with_defs = [b for b in blocks if _has_definitions(b)]
    if with_defs:
        return max(with_defs, key=lambda b: (len(_definitions(b)), b.dropped_lines == 0, b.index))
    return max(blocks, key=lambda b: (len(b.code), b.index)) if blocks else None


def _definitions(block: Block) -> list[ast.stmt]:
    """The block's top-level functions and classes."""
    if block.tree is None:
        return []
    kinds = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    return [n for n in block.tree.body if isinstance(n, kinds)]


def _complete(prefix: str, body: str) -> tuple[str, int]:
    """The prefix followed by a body-only answer: (program, lines of code dropped).

    The body is re-indented if the model dropped its indentation, and an incomplete tail
    (or prose after the code) is dropped until the program compiles.
    """
    head = prefix if prefix.endswith("\n") else prefix + "\n"
    lines = body.strip("\n").split("\n")
    first = next((line for line in lines if line.strip()), "")
    attempts = [lines]
    if first and first[0] not in " \t":
        attempts.insert(0, [f"    {line}" if line.strip() else line for line in lines])
    for attempt in attempts:
        if syntax_error(head + "\n".join(attempt) + "\n") is None:
            return head + "\n".join(attempt).rstrip() + "\n", 0
    for attempt in attempts:
        keep = longest_parsing_prefix(head, attempt)
        if keep:
            dropped = [line for line in attempt[keep:] if line.strip()]
            code_dropped = bool(dropped) and dropped[0][0] in " \t"
            return head + "\n".join(attempt[:keep]).rstrip() + "\n", len(dropped) * code_dropped
    return head + "\n".join(lines) + "\n", 0


def _last_function(prefix: str) -> str | None:
    """The name of the last top-level function the prefix defines."""
    tree = parse_or_none(prefix)
    kinds = ast.FunctionDef | ast.AsyncFunctionDef
    names = [n.name for n in (tree.body if tree else []) if isinstance(n, kinds)]
    return names[-1] if names else None


def _candidate_blocks(answer: str, notes: list[str]) -> tuple[list[Block], str, int, bool]:
    """The answer's candidate blocks.

    Returns the blocks, how they were found, the number of fenced blocks, and whether the
    last block was cut short.
    """
    fenced, fences = fenced_blocks(answer)
    if fenced:
        for block in fenced:
            if block.open_ended:
                block.code, block.dropped_lines = repair_tail(block.code)
            block.tree = parse_or_none(block.code)
        return fenced, "fence", fences, any(b.dropped_lines for b in fenced)
    if fences:  # fences, but none of Python: look for code outside them
        notes.append(f"skipped {fences} non-Python fenced block(s)")
        answer = FENCED_REGION.sub("", answer)
    tree = parse_or_none(answer)
    if tree is not None and looks_like_code(answer):
        block = Block(0, answer.strip("\n") + "\n", open_ended=True, tree=tree)
        return [block], "bare", fences, False
    blocks, cut_short = prose_blocks(answer)
    for block in blocks:
        block.tree = parse_or_none(block.code)
    return blocks, "prose", fences, cut_short


def _completion(answer: str, prefix: str, notes: list[str]) -> Extraction | None:
    """A body-only answer to a completion prompt joined to the prefix; None if no code."""
    fenced, fences = fenced_blocks(answer)
    if fences and not fenced:
        return Extraction(None, "none", 0, notes=tuple(notes))
    body = max((b.code for b in fenced), key=len) if fenced else answer
    if not any(STATEMENT_START.match(line) for line in body.split("\n")):
        return None
    program, dropped = _complete(prefix, body)
    method = "fence" if fenced else "bare"
    return Extraction(program, method, max(1, len(fenced)), dropped > 0, True, tuple(notes))


def extract_code(text: str, entry_point: str | None = None, prefix: str = "") -> Extraction:
    """Find the program in a model's response; never raises.

    Args:
        text: The response, as the provider returned it.
        entry_point: The function (or class) the task asks for; the block defining it wins.
        prefix: For completion-style tasks (HumanEval), the code the answer continues. A
            body-only answer becomes `prefix + answer`; an answer that defines the entry
            point itself is kept whole, with the prefix's imports and helpers added.

    Returns:
        The extraction; `code` is None when the response holds no code.
    """
    answer, had_reasoning = strip_reasoning(text)
    notes = ["removed reasoning"] if had_reasoning else []
    target = entry_point or (_last_function(prefix) if prefix.strip() else None)
    if prefix.strip() and target:
        defining = rf"^(async\s+)?(def|class)\s+{re.escape(target)}\b"
        if not re.search(defining, answer, re.M):
            completed = _completion(answer, prefix, notes)
            if completed is not None:
                return completed
    blocks, method, fences, cut_short = _candidate_blocks(answer, notes)
    chosen = _choose(blocks, target)
    if chosen is None:
        return Extraction(None, "none", 0, notes=tuple(notes))
    imports, others, names = helpers_from_other_blocks(chosen, blocks)
    if names:
        notes.append(f"added from other blocks: {', '.join(names)}")
    if prefix.strip() and target and chosen.tree is not None:
        prefix_imports, prefix_others = prefix_context(prefix, chosen.tree, target)
        if prefix_imports or prefix_others:
            notes.append("added the prefix's imports and helpers")
        imports, others = prefix_imports + imports, prefix_others + others
    code = assemble(chosen.code, chosen.tree, unique(imports), unique(others))
    truncated = chosen.dropped_lines > 0 or (cut_short and chosen is blocks[-1])
    return Extraction(code, method, len(blocks), truncated, False, tuple(notes))
