"""Reference solution: dynamic programming over prefixes.

Only the previous row of the table is kept.
"""


def longest_common_subsequence(a: str, b: str) -> int:
    """Return the length of the longest common subsequence of a and b."""
    # LCS lengths of the previous prefix of a with b[:j].
    previous = [0] * (len(b) + 1)
    for char_a in a:
        current = [0]
        for j, char_b in enumerate(b, 1):
            if char_a == char_b:
                current.append(previous[j - 1] + 1)
            else:
                current.append(max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]
