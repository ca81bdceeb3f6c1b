"""Reference solution: Knuth-Morris-Pratt search.

The failure table holds the prefix function of the pattern.
"""


def kmp_search(text: str, pattern: str) -> list[int]:
    """Return the start of every occurrence of pattern in text.

    Occurrences may overlap.
    """
    # failure[i]: length of the longest proper prefix of pattern[:i + 1]
    # that is also its suffix.
    failure = [0] * len(pattern)
    k = 0
    for i in range(1, len(pattern)):
        while k and pattern[i] != pattern[k]:
            k = failure[k - 1]
        if pattern[i] == pattern[k]:
            k += 1
        failure[i] = k
    matches = []
    k = 0
    for i, char in enumerate(text):
        while k and char != pattern[k]:
            k = failure[k - 1]
        if char == pattern[k]:
            k += 1
        if k == len(pattern):
            matches.append(i - k + 1)
            k = failure[k - 1]
    return matches
