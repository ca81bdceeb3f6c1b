"""Reference solution: one regular expression finds the words.

A Counter then tallies their lower-case forms.
"""

import re
from collections import Counter

# ASCII letters and digits, single apostrophes allowed between two of them.
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")


def word_count(text: str) -> dict[str, int]:
    """Return how often each (lower-cased) word occurs in text."""
    return dict(Counter(word.lower() for word in _WORD.findall(text)))
