"""Input generator: up to five distinct coins no larger than size + 2, and an amount of up
to ten times `size`."""


def generate(size, rng):
    top = size + 2
    coins = rng.sample(range(1, top + 1), min(top, rng.randint(1, 5)))
    return (coins, rng.randint(0, 10 * size))
