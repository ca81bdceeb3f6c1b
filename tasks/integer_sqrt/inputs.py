"""Input generator: an integer of up to `size` bits (below 10**200); a third of the time a
perfect square or one less than a perfect square."""


def generate(size, rng):
    limit = min(10**200, 2**size)
    n = rng.randrange(limit) if limit > 1 else 0
    roll = rng.random()
    if roll < 0.33 and size >= 2:
        root = rng.randrange(1, 2 ** (size // 2))
        n = root * root - (roll < 0.15)
    return (n,)
