"""Reference solution: two heaps, one for each half of the values.

A max-heap holds the lower half and a min-heap the upper half.
"""

import heapq


def running_median(values: list[int]) -> list[float]:
    """Return the median of values[:i + 1] for every i, as floats."""
    # The lower half, negated so that heapq keeps its maximum on top.
    low: list[int] = []
    high: list[int] = []  # the upper half
    medians = []
    for value in values:
        if low and value > -low[0]:
            heapq.heappush(high, value)
        else:
            heapq.heappush(low, -value)
        if len(low) > len(high) + 1:
            heapq.heappush(high, -heapq.heappop(low))
        elif len(high) > len(low):
            heapq.heappush(low, -heapq.heappop(high))
        if len(low) > len(high):
            medians.append(float(-low[0]))
        else:
            medians.append((-low[0] + high[0]) / 2)
    return medians
