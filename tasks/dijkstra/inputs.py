"""Input generator: max(1, size) nodes, about two random weighted edges per node."""


def generate(size, rng):
    n = max(1, size)
    edges = [(rng.randrange(n), rng.randrange(n), rng.randint(0, 20)) for _ in range(2 * n)]
    return (n, edges, rng.randrange(n))
