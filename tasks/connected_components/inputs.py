"""Input generator: max(1, size) nodes and about half as many random edges, so there are
many components of different sizes, including single nodes."""


def generate(size, rng):
    n = max(1, size)
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(n // 2)]
    return (n, edges)
