"""Input generator: a random DAG on max(1, size) nodes (edges follow a hidden random order);
one graph in four also gets a backward edge, which usually makes a cycle."""


def generate(size, rng):
    n = max(1, size)
    rank = list(range(n))
    rng.shuffle(rank)
    edges = []
    for _ in range(n * 3 // 2):
        a, b = sorted((rng.randrange(n), rng.randrange(n)))
        if a != b:
            edges.append((rank[a], rank[b]))
    if n > 1 and rng.random() < 0.25:
        a, b = sorted(rng.sample(range(n), 2))
        edges.append((rank[b], rank[a]))
    return (n, edges)
