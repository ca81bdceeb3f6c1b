# Mutant: visited nodes kept in a list, each `in` test scans it (quadratic: times out)
"""Components by DFS with the visited set as a list: correct, but `node in visited` costs
O(n), quadratic over the graph."""


def connected_components(
    n: int, edges: list[tuple[int, int]]
) -> list[list[int]]:
    """Return the components, each ascending, ordered by smallest node."""
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    visited: list[int] = []
    components = []
    for start in range(n):
        if start in visited:
            continue
        visited.append(start)
        component, stack = [start], [start]
        while stack:
            node = stack.pop()
            for other in neighbours[node]:
                if other not in visited:
                    visited.append(other)
                    component.append(other)
                    stack.append(other)
        components.append(sorted(component))
    return components
