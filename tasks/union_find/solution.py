"""Reference solution: union-find with union by size and path halving."""


def union_find_ops(n: int, ops: list[tuple]) -> list[bool | int]:
    """Replay union/connected/size/count operations.

    Return every value that an operation reported.
    """
    parent = list(range(n))
    size = [1] * n
    sets = n
    results: list[bool | int] = []

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for op in ops:
        kind = op[0]
        if kind == "union":
            a, b = find(op[1]), find(op[2])
            if a == b:
                continue
            if size[a] < size[b]:
                a, b = b, a
            parent[b] = a
            size[a] += size[b]
            sets -= 1
        elif kind == "connected":
            results.append(find(op[1]) == find(op[2]))
        elif kind == "size":
            results.append(size[find(op[1])])
        else:
            results.append(sets)
    return results
