"""Reference solution: a deque of window indices.

The values at those indices decrease from front to back.
"""

from collections import deque


def sliding_window_max(values: list[int], k: int) -> list[int]:
    """Return the maximum of each window of width k over values."""
    window: deque[int] = deque()
    maxima = []
    for i, value in enumerate(values):
        # Smaller values behind the new one can never be a window's maximum
        # again.
        while window and values[window[-1]] <= value:
            window.pop()
        window.append(i)
        if window[0] <= i - k:
            window.popleft()
        if i >= k - 1:
            maxima.append(values[window[0]])
    return maxima
