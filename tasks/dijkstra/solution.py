"""Reference solution: Dijkstra with a binary heap and lazy deletion."""

import heapq


def dijkstra(
    n: int, edges: list[tuple[int, int, int]], source: int
) -> list[int]:
    """Return the shortest distance from source to every node.

    A node that cannot be reached gets -1.
    """
    outgoing: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for u, v, w in edges:
        outgoing[u].append((v, w))
    distance = [-1] * n
    best = {source: 0}
    heap = [(0, source)]
    while heap:
        dist, node = heapq.heappop(heap)
        if distance[node] != -1:
            # A stale entry: the node was settled with a smaller distance.
            continue
        distance[node] = dist
        for other, weight in outgoing[node]:
            candidate = dist + weight
            if (distance[other] == -1
                    and candidate < best.get(other, candidate + 1)):
                best[other] = candidate
                heapq.heappush(heap, (candidate, other))
    return distance
