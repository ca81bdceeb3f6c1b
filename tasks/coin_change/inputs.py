"""Input generator: up to five distinct coins no larger than size + 2, and an amount of up
to ten times `size`."""


def generate(size, rng):
    top = size + 2
    coins = rng.sample(range(1, top + 1), min(top, rng.randint(1, 5)))
    return (coins, rng.randint(0, 10 * size))


def fixed_work(size, rng):
    """Five coins and an amount of 10 x size: the work grows with the size alone."""
    top = size + 2
    return (rng.sample(range(1, top + 1), min(top, 5)), 10 * size)


# Timing: `generate` draws the amount and the number of coins, so the work varies.
FAMILIES = {"random": fixed_work}
