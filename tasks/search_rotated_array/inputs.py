"""Input generator: `size` distinct sorted integers rotated by a random amount, and a target
that is in the list about two times in three."""


def generate(size, rng):
    values = sorted(rng.sample(range(-3 * size - 5, 3 * size + 5), size))
    shift = rng.randrange(size) if size else 0
    items = values[shift:] + values[:shift]
    if items and rng.random() < 0.67:
        target = rng.choice(items)
    else:
        target = rng.randint(-3 * size - 6, 3 * size + 6)
    return (items, target)
