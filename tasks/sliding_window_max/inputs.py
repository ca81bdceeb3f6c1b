"""Input generator: max(1, size) values with duplicates, and a valid window width."""


def generate(size, rng):
    count = max(1, size)
    values = [rng.randint(-count, count) for _ in range(count)]
    return (values, rng.randint(1, count))
