"""Reference solution: patience sorting.

tails[k] is the smallest tail of a run of length k + 1.
"""

from bisect import bisect_left


def longest_increasing_subsequence(values: list[int]) -> int:
    """Return the length of the longest strictly increasing subsequence."""
    tails: list[int] = []
    for value in values:
        position = bisect_left(tails, value)
        if position == len(tails):
            tails.append(value)
        else:
            tails[position] = value
    return len(tails)
