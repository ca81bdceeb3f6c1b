"""Input generator: a limit between size // 2 and size."""


def generate(size, rng):
    return (rng.randint(size // 2, size),)
