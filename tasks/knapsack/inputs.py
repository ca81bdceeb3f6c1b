"""Input generator: `size` items with weights up to 20 and a capacity of about 5 x size."""


def generate(size, rng):
    weights = [rng.randint(1, 20) for _ in range(size)]
    values = [rng.randint(0, 100) for _ in range(size)]
    return (weights, values, rng.randint(0, 5 * size))


def fixed_capacity(size, rng):
    """A capacity of exactly 5 x size: the work grows with the size alone."""
    weights, values, _ = generate(size, rng)
    return (weights, values, 5 * size)


# Timing: `generate` draws the capacity, so the work varies from size to size.
FAMILIES = {"random": fixed_capacity}
