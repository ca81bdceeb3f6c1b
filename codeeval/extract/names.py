"""Which names code reads and binds, and bringing in what a chosen block needs from elsewhere."""

from __future__ import annotations

import ast
import builtins
import re

from codeeval.extract.blocks import Block
from codeeval.syntax_trees import parse_or_none

_BUILTINS = frozenset(dir(builtins))


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name the code binds anywhere: definitions, imports, assignments, parameters."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            names.add(node.name)
    return names


def _free_names(tree: ast.AST) -> set[str]:
    """Names the code reads but never binds, builtins aside."""
    loaded = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return loaded - _bound_names(tree) - _BUILTINS


def top_level_names(node: ast.stmt) -> set[str]:
    """Names a top-level statement binds for the module."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def source_of(code: str, node: ast.stmt) -> str:
    """The full lines of a top-level statement, decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    lines = code.split("\n")[first - 1 : node.end_lineno or node.lineno]
    return "\n".join(lines).rstrip() + "\n"


def defines(tree: ast.Module | None, name: str) -> bool:
    """Whether a top-level statement of `tree` binds `name`."""
    return tree is not None and any(name in top_level_names(node) for node in tree.body)


def helpers_from_other_blocks(
    chosen: Block, blocks: list[Block]
) -> tuple[list[str], list[str], list[str]]:
    """Imports and other statements from other blocks that the chosen block needs.

    A name the chosen code reads but never binds is looked up among the top-level
    statements of the other blocks, nearest earlier block first, then later ones; what
    those statements need is brought in the same way. Returns (imports, other statements,
    the names found).
    """
    if chosen.tree is None:
        return [], [], []
    order = [
        (b, b.tree)
        for b in sorted(blocks, key=lambda b: (b.index > chosen.index, abs(b.index - chosen.index)))
        if b is not chosen and b.tree is not None
    ]
    wanted, bound = _free_names(chosen.tree), _bound_names(chosen.tree)
    taken: dict[tuple[int, int], tuple[bool, str]] = {}
    found: list[str] = []
    while wanted:
        name = wanted.pop()
        for block, tree in order:
            node = next((n for n in tree.body if name in top_level_names(n)), None)
            if node is None:
                continue
            key = (block.index, node.lineno)
            if key not in taken:
                is_import = isinstance(node, ast.Import | ast.ImportFrom)
                taken[key] = (is_import, source_of(block.code, node))
                bound |= _bound_names(node) | top_level_names(node)
                wanted |= _free_names(node) - bound
            found.append(name)
            break
    ordered = [taken[key] for key in sorted(taken)]
    imports = [source for is_import, source in ordered if is_import]
    others = [source for is_import, source in ordered if not is_import]
    return imports, others, sorted(found)


def prefix_context(
    prefix: str, code_tree: ast.Module, entry_point: str
) -> tuple[list[str], list[str]]:
    """What a whole-function answer to a completion prompt still needs from the prefix.

    Returns the prefix's imports and its other top-level statements, leaving out what the
    answer binds itself and the entry point's own stub.
    """
    tree = parse_or_none(prefix)
    if tree is None:
        lines = [ln for ln in prefix.split("\n") if re.match(r"(import|from\s+\S+\s+import)\s", ln)]
        return [f"{line}\n" for line in lines], []
    defined = {name for node in code_tree.body for name in top_level_names(node)}
    imports: list[str] = []
    others: list[str] = []
    for node in tree.body:
        names = top_level_names(node)
        if names and names <= defined:
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(source_of(prefix, node))
        elif names and entry_point not in names:
            others.append(source_of(prefix, node))
    return imports, others


def assemble(code: str, tree: ast.Module | None, imports: list[str], others: list[str]) -> str:
    """`code` with imports and other statements from elsewhere added.

    Imports go after the code's own leading docstring and imports, other statements after
    those, two blank lines apart as PEP 8 asks; the code itself is left as it is.
    """
    if not imports and not others:
        return code
    split = 0
    for index, node in enumerate(tree.body if tree else []):
        is_docstring = (
            index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        )
        if not (is_docstring or isinstance(node, ast.Import | ast.ImportFrom)):
            break
        split = node.end_lineno or node.lineno
    lines = code.split("\n")
    head = "\n".join(lines[:split]).strip("\n")
    tail = "\n".join(lines[split:]).strip("\n")
    top = "\n".join(part for part in [head, *(i.strip("\n") for i in imports)] if part)
    chunks = [top, *(o.strip("\n") for o in others), tail]
    return "\n\n\n".join(chunk for chunk in chunks if chunk) + "\n"


def unique(sources: list[str]) -> list[str]:
    """`sources` without repeats, in their first order."""
    return list(dict.fromkeys(sources))
