"""Input generator: max(1, size) nodes and about 1.5 random weighted edges per node."""


def generate(size, rng):
    n = max(1, size)
    edges = [
        (rng.randrange(n), rng.randrange(n), rng.randint(-1000, 1000)) for _ in range(n * 3 // 2)
    ]
    return (n, edges)
