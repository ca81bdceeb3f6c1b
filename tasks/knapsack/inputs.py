"""Input generator: `size` items with weights up to 20 and a capacity of about 5 x size."""


def generate(size, rng):
    weights = [rng.randint(1, 20) for _ in range(size)]
    values = [rng.randint(0, 100) for _ in range(size)]
    return (weights, values, rng.randint(0, 5 * size))
