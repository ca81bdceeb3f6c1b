# Mutant: edges are followed both ways
"""Reference solution: Dijkstra's algorithm with a binary heap and lazy deletion."""

import heapq


def dijkstra(n: int, edges: list[tuple[int, int, int]], source: int) -> list[int]:
    """Return the shortest distance from source to every node, -1 where unreachable."""
    outgoing: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for u, v, w in edges:
        outgoing[u].append((v, w))
        outgoing[v].append((u, w))
    distance = [-1] * n
    best = {source: 0}
    heap = [(0, source)]
    while heap:
        dist, node = heapq.heappop(heap)
        if distance[node] != -1:
            continue  # a stale entry: the node was settled with a smaller distance
        distance[node] = dist
        for other, weight in outgoing[node]:
            candidate = dist + weight
            if distance[other] == -1 and candidate < best.get(other, candidate + 1):
                best[other] = candidate
                heapq.heappush(heap, (candidate, other))
    return distance
