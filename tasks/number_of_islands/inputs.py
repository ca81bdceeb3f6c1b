"""Input generator: a square grid of about `size` cells (side isqrt(size)), 45% land."""

import math


def generate(size, rng):
    side = math.isqrt(size)
    grid = ["".join("1" if rng.random() < 0.45 else "0" for _ in range(side)) for _ in range(side)]
    return (grid,)
