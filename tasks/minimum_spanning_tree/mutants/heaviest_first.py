# Mutant: edges are taken heaviest first (a maximum spanning forest)
"""Reference solution: Kruskal's algorithm with a path-halving union-find."""


def minimum_spanning_tree(n: int, edges: list[tuple[int, int, int]]) -> int:
    """Return the total weight of a minimum spanning forest."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    total = 0
    for a, b, weight in sorted(edges, key=lambda edge: -edge[2]):
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[root_a] = root_b
            total += weight
    return total
