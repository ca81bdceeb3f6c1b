# Mutant: the queue is a list emptied with pop(0), which moves every element left
# Complexity: O(n^2)
"""BFS distances from the target, then a greedy walk, with a list as the queue: correct, but
each pop(0) costs O(len(queue)), quadratic when the queue holds most nodes (a star)."""


def bfs_shortest_path(
    n: int, edges: list[tuple[int, int]], source: int, target: int
) -> list[int]:
    """Return the lexicographically smallest shortest path, or []."""
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    distance = [-1] * n
    distance[target] = 0
    queue = [target]
    while queue:
        node = queue.pop(0)
        for other in neighbours[node]:
            if distance[other] == -1:
                distance[other] = distance[node] + 1
                queue.append(other)
    if distance[source] == -1:
        return []
    path = [source]
    while path[-1] != target:
        node = path[-1]
        path.append(min(o for o in neighbours[node]
                        if distance[o] == distance[node] - 1))
    return path
