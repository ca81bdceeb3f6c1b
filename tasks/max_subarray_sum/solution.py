"""Reference solution: Kadane's algorithm."""


def max_subarray_sum(values: list[int]) -> int:
    """Return the largest sum of a non-empty contiguous run of values."""
    best = current = values[0]
    for value in values[1:]:
        # The best run ending here extends the previous one or starts afresh.
        current = max(value, current + value)
        best = max(best, current)
    return best
