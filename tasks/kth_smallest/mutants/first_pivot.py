# Mutant: quickselect with the first element as pivot, quadratic on sorted input
# Complexity: O(n^2)
"""Quickselect with the first element as pivot: correct, but on sorted input each step
removes only the pivot's duplicates, so it takes O(n^2) time."""


def kth_smallest(items: list[int], k: int) -> int:
    """Return the k-th smallest element of `items` (k is 1-based)."""
    values = items
    while True:
        pivot = values[0]
        lower = [value for value in values if value < pivot]
        if k <= len(lower):
            values = lower
            continue
        equal = sum(1 for value in values if value == pivot)
        if k <= len(lower) + equal:
            return pivot
        k -= len(lower) + equal
        values = [value for value in values if value > pivot]
