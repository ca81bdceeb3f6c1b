"""Reference solution: top-down merge sort on slices.

The recursion depth is about log2(n).
"""


def merge_sort(items: list[int]) -> list[int]:
    """Return a new list with the elements of `items` in ascending order."""
    if len(items) <= 1:
        return list(items)
    middle = len(items) // 2
    return _merge(merge_sort(items[:middle]), merge_sort(items[middle:]))


def _merge(left: list[int], right: list[int]) -> list[int]:
    merged = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged
