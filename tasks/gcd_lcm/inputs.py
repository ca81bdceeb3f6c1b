"""Input generator: two integers of up to `size` bits that often share a large factor; one
time in ten one of them is 0."""


def generate(size, rng):
    common = rng.randint(1, 2 ** max(1, size // 2))
    a = common * rng.randint(0, 2**size)
    b = common * rng.randint(0, 2**size)
    if rng.random() < 0.1:
        a = 0
    return (a, b)
