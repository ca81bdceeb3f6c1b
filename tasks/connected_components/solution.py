"""Reference solution: label components by DFS, then bucket the nodes.

The DFS uses an explicit stack rather than recursion.
"""


def connected_components(
    n: int, edges: list[tuple[int, int]]
) -> list[list[int]]:
    """Return the components, each ascending, ordered by smallest node."""
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    label = [-1] * n
    count = 0
    # Starting from nodes in ascending order numbers the components by their
    # smallest node.
    for start in range(n):
        if label[start] != -1:
            continue
        label[start] = count
        stack = [start]
        while stack:
            node = stack.pop()
            for other in neighbours[node]:
                if label[other] == -1:
                    label[other] = count
                    stack.append(other)
        count += 1
    components: list[list[int]] = [[] for _ in range(count)]
    for node in range(n):
        components[label[node]].append(node)
    return components
