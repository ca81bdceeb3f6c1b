"""Input generator: max(1, size) nodes with about 1.2 random edges per node (so most, but not
all, pairs are connected), and random endpoints."""


def generate(size, rng):
    n = max(1, size)
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(n * 6 // 5)]
    return (n, edges, rng.randrange(n), rng.randrange(n))
