# Mutant: the first element is the pivot, so sorted, reversed and equal inputs take O(n^2)
# Complexity: O(n^2)
"""Quicksort with the first element as pivot, iterative: correct, but quadratic time on
sorted, reversed or all-equal input (what the prompt warns about)."""


def quicksort(items: list[int]) -> list[int]:
    """Return a new list with the elements of `items` in ascending order."""
    values = list(items)
    stack = [(0, len(values) - 1)]
    while stack:
        low, high = stack.pop()
        if low >= high:
            continue
        pivot, border = values[low], low
        for i in range(low + 1, high + 1):
            if values[i] < pivot:
                border += 1
                values[border], values[i] = values[i], values[border]
        values[low], values[border] = values[border], values[low]
        stack.append((low, border - 1))
        stack.append((border + 1, high))
    return values
