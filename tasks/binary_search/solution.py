"""Reference solution: lower-bound binary search, then one equality check."""


def binary_search(items: list[int], target: int) -> int:
    """Return the index of the first occurrence of `target`, or -1.

    `items` is sorted in ascending order.
    """
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if items[middle] < target:
            low = middle + 1
        else:
            high = middle
    if low < len(items) and items[low] == target:
        return low
    return -1
