"""Reference solution: randomised three-way quicksort."""

import random


def quicksort(items: list[int]) -> list[int]:
    """Return a new list with the elements of `items` in ascending order."""
    result = list(items)
    _sort(result, 0, len(result) - 1, random.Random(0))
    return result


def _sort(values: list[int], low: int, high: int, rng: random.Random) -> None:
    # Recurse into the smaller part, loop over the larger: depth is O(log n).
    while low < high:
        pivot = values[rng.randint(low, high)]
        less, i, greater = low, low, high
        while i <= greater:
            if values[i] < pivot:
                values[less], values[i] = values[i], values[less]
                less += 1
                i += 1
            elif values[i] > pivot:
                values[i], values[greater] = values[greater], values[i]
                greater -= 1
            else:
                i += 1
        if less - low < high - greater:
            _sort(values, low, less - 1, rng)
            low = greater + 1
        else:
            _sort(values, greater + 1, high, rng)
            high = less - 1
