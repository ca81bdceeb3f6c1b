"""Input generator: a number between 1 and min(size, 3999)."""


def generate(size, rng):
    return (rng.randint(1, max(1, min(size, 3999))),)
