"""Reference solution: in-place heap sort on a copy.

A bottom-up heapify, then n extractions of the maximum.
"""


def heap_sort(items: list[int]) -> list[int]:
    """Return a new list with the elements of `items` in ascending order."""
    heap = list(items)
    size = len(heap)
    for start in range(size // 2 - 1, -1, -1):
        _sift_down(heap, start, size)
    for end in range(size - 1, 0, -1):
        heap[0], heap[end] = heap[end], heap[0]
        _sift_down(heap, 0, end)
    return heap


def _sift_down(heap: list[int], root: int, size: int) -> None:
    """Move heap[root] down until both children are no larger.

    Only heap[:size] counts as the heap.
    """
    while True:
        child = 2 * root + 1
        if child >= size:
            return
        if child + 1 < size and heap[child + 1] > heap[child]:
            child += 1
        if heap[root] >= heap[child]:
            return
        heap[root], heap[child] = heap[child], heap[root]
        root = child
