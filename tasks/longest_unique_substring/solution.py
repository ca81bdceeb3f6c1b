"""Reference solution: a sliding window over the text.

On a repeated character, the window jumps past its previous copy.
"""


def longest_unique_substring(text: str) -> int:
    """Return the length of the longest substring of distinct characters."""
    last_seen: dict[str, int] = {}
    start = best = 0
    for i, char in enumerate(text):
        # Only a copy inside the current window forces the window to shrink.
        if last_seen.get(char, -1) >= start:
            start = last_seen[char] + 1
        last_seen[char] = i
        best = max(best, i - start + 1)
    return best
