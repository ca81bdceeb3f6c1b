# Mutant: a match extends the same row of a, so one character matches many
"""Reference solution: dynamic programming over prefixes, keeping one previous row."""


def longest_common_subsequence(a: str, b: str) -> int:
    """Return the length of the longest common subsequence of a and b."""
    previous = [0] * (len(b) + 1)  # LCS lengths of the previous prefix of a with b[:j]
    for char_a in a:
        current = [0]
        for j, char_b in enumerate(b, 1):
            if char_a == char_b:
                current.append(previous[j] + 1)
            else:
                current.append(max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]
