# Mutant: returns the first match it meets, not the first occurrence
"""Reference solution: lower-bound binary search, then one equality check."""


def binary_search(items: list[int], target: int) -> int:
    """Return the index of the first occurrence of `target` in sorted `items`, or -1."""
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if items[middle] < target:
            low = middle + 1
        elif items[middle] > target:
            high = middle
        else:
            return middle
    if low < len(items) and items[low] == target:
        return low
    return -1
