# Mutant: the upper half may grow larger than the lower half
"""Reference solution: a max-heap of the lower half and a min-heap of the upper half."""

import heapq


def running_median(values: list[int]) -> list[float]:
    """Return the median of values[:i + 1] for every i, as floats."""
    low: list[int] = []  # the lower half, negated so that heapq keeps its maximum on top
    high: list[int] = []  # the upper half
    medians = []
    for value in values:
        if low and value > -low[0]:
            heapq.heappush(high, value)
        else:
            heapq.heappush(low, -value)
        if len(low) > len(high) + 1:
            heapq.heappush(high, -heapq.heappop(low))
        if len(low) > len(high):
            medians.append(float(-low[0]))
        else:
            medians.append((-low[0] + high[0]) / 2)
    return medians
