"""Input generator: max(1, size) integers in [-size, size], more negative than positive."""


def generate(size, rng):
    count = max(1, size)
    return ([rng.randint(-count, count // 2 + 1) for _ in range(count)],)
