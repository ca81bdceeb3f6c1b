"""Reference solution: BFS distances from the target, then a greedy walk.

The walk starts at the source and ends at the target.
"""

from collections import deque


def bfs_shortest_path(
    n: int, edges: list[tuple[int, int]], source: int, target: int
) -> list[int]:
    """Return the lexicographically smallest shortest path, or [].

    The path is the list of nodes from source to target.
    """
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    distance = [-1] * n  # distance to the target
    distance[target] = 0
    queue = deque([target])
    while queue:
        node = queue.popleft()
        for other in neighbours[node]:
            if distance[other] == -1:
                distance[other] = distance[node] + 1
                queue.append(other)
    if distance[source] == -1:
        return []
    # Each step to the smallest neighbour one closer to the target keeps the
    # path shortest and makes it the smallest such path.
    path = [source]
    while path[-1] != target:
        node = path[-1]
        path.append(min(o for o in neighbours[node]
                        if distance[o] == distance[node] - 1))
    return path
