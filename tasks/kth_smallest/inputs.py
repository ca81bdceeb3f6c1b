"""Input generator: max(1, size) integers with duplicates and a valid rank k."""


def generate(size, rng):
    count = max(1, size)
    items = [rng.randint(-count, count) for _ in range(count)]
    return (items, rng.randint(1, count))
