"""Input generator: a list of `size` integers with some duplicates and negatives."""


def generate(size, rng):
    bound = max(1, size // 2)
    return ([rng.randint(-bound, bound) for _ in range(size)],)
