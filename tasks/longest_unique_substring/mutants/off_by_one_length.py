# Mutant: window length counted one short
"""Reference solution: a sliding window that jumps past the previous copy of a repeated char."""


def longest_unique_substring(text: str) -> int:
    """Return the length of the longest substring of text with no repeated character."""
    last_seen: dict[str, int] = {}
    start = best = 0
    for i, char in enumerate(text):
        # Only a copy inside the current window forces the window to shrink.
        if last_seen.get(char, -1) >= start:
            start = last_seen[char] + 1
        last_seen[char] = i
        best = max(best, i - start)
    return best
