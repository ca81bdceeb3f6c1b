"""Reference solution: a trie whose nodes count words.

Each node counts the distinct words that pass through it.
"""


class _Node:
    __slots__ = ("children", "count", "end")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        # Distinct inserted words that pass through (or end at) this node.
        self.count = 0
        self.end = False


def trie_ops(ops: list[tuple[str, str]]) -> list[bool | int]:
    """Replay insert/search/prefix operations.

    Return what every search and prefix operation reported.
    """
    root = _Node()
    results: list[bool | int] = []
    for kind, word in ops:
        node = _walk(root, word)
        if kind == "search":
            results.append(node is not None and node.end)
        elif kind == "prefix":
            results.append(node.count if node is not None else 0)
        elif node is None or not node.end:
            _insert(root, word)
    return results


def _walk(root: _Node, word: str) -> "_Node | None":
    node = root
    for char in word:
        node = node.children.get(char)
        if node is None:
            return None
    return node


def _insert(root: _Node, word: str) -> None:
    node = root
    node.count += 1
    for char in word:
        node = node.children.setdefault(char, _Node())
        node.count += 1
    node.end = True
