# Mutant: a linear scan instead of binary search
# Complexity: O(n)
"""Correct first occurrence, found by reading the list from the start: O(n)."""


def binary_search(items: list[int], target: int) -> int:
    """Return the index of the first occurrence of `target`, or -1."""
    for index, value in enumerate(items):
        if value == target:
            return index
        if value > target:
            return -1
    return -1
