"""Reference solution: Wagner-Fischer dynamic programming, row by row."""


def edit_distance(a: str, b: str) -> int:
    """Return the Levenshtein distance between a and b."""
    previous = list(range(len(b) + 1))  # distances from "" to each prefix of b
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1,  # delete char_a
                current[j - 1] + 1,  # insert char_b
                previous[j - 1] + (char_a != char_b),  # substitute, or match
            )
        previous = current
    return previous[-1]
