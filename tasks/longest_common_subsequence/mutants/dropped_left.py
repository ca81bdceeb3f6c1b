# Mutant: a mismatch ignores the shorter prefix of b
"""Reference solution: dynamic programming over prefixes, keeping one previous row."""


def longest_common_subsequence(a: str, b: str) -> int:
    """Return the length of the longest common subsequence of a and b."""
    previous = [0] * (len(b) + 1)  # LCS lengths of the previous prefix of a with b[:j]
    for char_a in a:
        current = [0]
        for j, char_b in enumerate(b, 1):
            if char_a == char_b:
                current.append(previous[j - 1] + 1)
            else:
                current.append(previous[j])
        previous = current
    return previous[-1]
