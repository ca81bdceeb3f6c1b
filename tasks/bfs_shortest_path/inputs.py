"""Input generator: max(1, size) nodes with about 1.2 random edges per node (so most, but not
all, pairs are connected), and random endpoints.

The timing family "star" joins one hub to every other node: the search's queue then holds
almost every node at once, which makes a queue kept in a list with `pop(0)` quadratic.
"""


def generate(size, rng):
    n = max(1, size)
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(n * 6 // 5)]
    return (n, edges, rng.randrange(n), rng.randrange(n))


def star(size, rng):
    n = max(2, size)
    hub = rng.randrange(n)
    edges = [(hub, node) if rng.random() < 0.5 else (node, hub) for node in range(n) if node != hub]
    rng.shuffle(edges)
    leaves = [node for node in range(n) if node != hub]
    return (n, edges, rng.choice(leaves), rng.choice(leaves))


FAMILIES = {"star": star}


def connected(size, rng):
    """A random tree plus 20% more random edges: the search reaches every node."""
    n = max(1, size)
    edges = [(node, rng.randrange(node)) for node in range(1, n)]
    edges += [(rng.randrange(n), rng.randrange(n)) for _ in range(n // 5)]
    rng.shuffle(edges)
    return (n, edges, rng.randrange(n), rng.randrange(n))


# Timing: in `generate`'s graphs the target's component, so the work, varies from size to size.
FAMILIES["random"] = connected
