"""Input generator: a list of `size` integers with some duplicates and negatives.

The timing families add the inputs a careless pivot choice turns quadratic: the same values
already sorted, reversed, or all equal.
"""


def generate(size, rng):
    bound = max(1, size // 2)
    return ([rng.randint(-bound, bound) for _ in range(size)],)


def sorted_input(size, rng):
    return (sorted(generate(size, rng)[0]),)


def reversed_input(size, rng):
    return (sorted(generate(size, rng)[0], reverse=True),)


def equal_input(size, rng):
    return ([rng.randint(-9, 9)] * size,)


FAMILIES = {"sorted": sorted_input, "reversed": reversed_input, "equal": equal_input}
