"""Reference solution: Manacher's algorithm.

It runs on the text interleaved with separators.
"""


def longest_palindromic_substring(text: str) -> str:
    """Return the leftmost longest palindromic substring of text."""
    # With a separator (None) between and around the characters, every
    # palindrome has an odd length and a centre; radius[i] is the reach of
    # the longest one centred at i, which equals the length of the
    # palindrome in the original text.
    chars: list[str | None] = [None] * (2 * len(text) + 1)
    chars[1::2] = text
    radius = [0] * len(chars)
    centre = right = 0
    best_length = best_centre = 0
    for i in range(len(chars)):
        if i < right:
            radius[i] = min(right - i, radius[2 * centre - i])
        while (
            i - radius[i] - 1 >= 0
            and i + radius[i] + 1 < len(chars)
            and chars[i - radius[i] - 1] == chars[i + radius[i] + 1]
        ):
            radius[i] += 1
        if i + radius[i] > right:
            centre, right = i, i + radius[i]
        if radius[i] > best_length:
            best_length, best_centre = radius[i], i
    start = (best_centre - best_length) // 2
    return text[start:start + best_length]
