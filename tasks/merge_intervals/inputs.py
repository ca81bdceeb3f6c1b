"""Input generator: `size` short intervals scattered over [0, 3 * size], some overlapping."""


def generate(size, rng):
    intervals = []
    for _ in range(size):
        start = rng.randint(0, 3 * size)
        intervals.append([start, start + rng.randint(0, 5)])
    return (intervals,)
