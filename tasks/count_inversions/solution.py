"""Reference solution: merge sort that counts inversions as it merges.

Each merge counts the pairs that it puts in order.
"""


def count_inversions(items: list[int]) -> int:
    """Return the number of pairs i < j with items[i] > items[j]."""
    return _sort_and_count(list(items))[1]


def _sort_and_count(values: list[int]) -> tuple[list[int], int]:
    if len(values) <= 1:
        return values, 0
    middle = len(values) // 2
    left, left_count = _sort_and_count(values[:middle])
    right, right_count = _sort_and_count(values[middle:])
    merged = []
    count = left_count + right_count
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            # right[j] is smaller than every element still waiting in left.
            merged.append(right[j])
            j += 1
            count += len(left) - i
    merged += left[i:]
    merged += right[j:]
    return merged, count
