"""Input generator: max(1, size) elements and `size` operations, a third of them unions."""


def generate(size, rng):
    n = max(1, size)
    ops = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.35:
            ops.append(("union", rng.randrange(n), rng.randrange(n)))
        elif roll < 0.7:
            ops.append(("connected", rng.randrange(n), rng.randrange(n)))
        elif roll < 0.9:
            ops.append(("size", rng.randrange(n)))
        else:
            ops.append(("count",))
    return (n, ops)
