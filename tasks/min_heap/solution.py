"""Reference solution: an array-backed binary min-heap.

A push sifts up and a pop sifts down.
"""


def min_heap_ops(ops: list[tuple]) -> list[int | None]:
    """Replay push/pop/peek operations.

    Return what every pop and peek reported.
    """
    heap: list[int] = []
    results: list[int | None] = []
    for op in ops:
        if op[0] == "push":
            heap.append(op[1])
            _sift_up(heap, len(heap) - 1)
        elif not heap:
            results.append(None)
        elif op[0] == "peek":
            results.append(heap[0])
        else:
            results.append(_pop(heap))
    return results


def _pop(heap: list[int]) -> int:
    top = heap[0]
    last = heap.pop()
    if heap:
        heap[0] = last
        _sift_down(heap, 0)
    return top


def _sift_up(heap: list[int], index: int) -> None:
    while index > 0:
        parent = (index - 1) // 2
        if heap[parent] <= heap[index]:
            return
        heap[parent], heap[index] = heap[index], heap[parent]
        index = parent


def _sift_down(heap: list[int], index: int) -> None:
    size = len(heap)
    while True:
        smallest = index
        for child in (2 * index + 1, 2 * index + 2):
            if child < size and heap[child] < heap[smallest]:
                smallest = child
        if smallest == index:
            return
        heap[index], heap[smallest] = heap[smallest], heap[index]
        index = smallest
