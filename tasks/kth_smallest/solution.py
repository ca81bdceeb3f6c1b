"""Reference solution: quickselect with a three-way split.

The pivot is drawn from a seeded random generator.
"""

import random


def kth_smallest(items: list[int], k: int) -> int:
    """Return the k-th smallest element of `items` (k is 1-based).

    Duplicates count separately.
    """
    rng = random.Random(0)
    values = items
    while True:
        pivot = values[rng.randrange(len(values))]
        lower = [value for value in values if value < pivot]
        if k <= len(lower):
            values = lower
            continue
        equal = sum(1 for value in values if value == pivot)
        if k <= len(lower) + equal:
            return pivot
        k -= len(lower) + equal
        values = [value for value in values if value > pivot]
