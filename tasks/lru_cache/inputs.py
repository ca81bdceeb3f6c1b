"""Input generator: `size` random get/put operations over a small key range, so that hits,
misses, updates and evictions all happen."""


def generate(size, rng):
    capacity = rng.randint(1, max(1, size // 4 + 1))
    keys = max(2, size // 2)
    ops = []
    for _ in range(size):
        if rng.random() < 0.5:
            ops.append(("get", rng.randrange(keys)))
        else:
            ops.append(("put", rng.randrange(keys), rng.randint(0, 10**9)))
    return (capacity, ops)
