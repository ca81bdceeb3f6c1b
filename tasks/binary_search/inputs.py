"""Input generator: a sorted list of `size` integers with duplicates, and a target that is in
the list about half of the time."""


def generate(size, rng):
    spread = max(1, size)
    items = sorted(rng.randint(-spread, spread) for _ in range(size))
    if items and rng.random() < 0.5:
        target = rng.choice(items)
    else:
        target = rng.randint(-spread - 2, spread + 2)
    return (items, target)
