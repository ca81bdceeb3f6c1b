"""Input generator: two strings of about `size` letters from a three-letter alphabet."""


def generate(size, rng):
    a = "".join(rng.choice("abc") for _ in range(size))
    b = "".join(rng.choice("abc") for _ in range(rng.randint(max(0, size - 3), size + 3)))
    return (a, b)
