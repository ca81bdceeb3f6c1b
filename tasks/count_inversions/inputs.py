"""Input generator: a list of `size` integers in [-size, size], so duplicates are common."""


def generate(size, rng):
    return ([rng.randint(-size, size) for _ in range(size)],)
