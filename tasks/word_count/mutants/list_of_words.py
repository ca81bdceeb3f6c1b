# Mutant: distinct words are kept in a list, and counted with list.count
# Complexity: O(n^2)
"""Correct counts, but `word not in unique` scans a list and `words.count` the whole text for
each distinct word: O(n x distinct words), quadratic when most words differ."""

import re

_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")


def word_count(text: str) -> dict[str, int]:
    """Return how often each (lower-cased) word occurs in text."""
    words = [word.lower() for word in _WORD.findall(text)]
    unique: list[str] = []
    for word in words:
        if word not in unique:
            unique.append(word)
    return {word: words.count(word) for word in unique}
