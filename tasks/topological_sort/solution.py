"""Reference solution: Kahn's algorithm with a min-heap of the ready nodes."""

import heapq


def topological_sort(n: int, edges: list[tuple[int, int]]) -> list[int]:
    """Return the lexicographically smallest topological order.

    Return [] if the graph has a cycle.
    """
    outgoing: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for u, v in edges:
        outgoing[u].append(v)
        indegree[v] += 1
    ready = [node for node in range(n) if indegree[node] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for other in outgoing[node]:
            indegree[other] -= 1
            if indegree[other] == 0:
                heapq.heappush(ready, other)
    return order if len(order) == n else []
