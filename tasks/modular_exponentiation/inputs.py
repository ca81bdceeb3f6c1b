"""Input generator: an exponent of up to `size` bits, a 64-bit base and a modulus below 2**62
(sometimes 1 or a small number)."""


def generate(size, rng):
    base = rng.randrange(2**64)
    exponent = rng.randrange(2**size) if size else 0
    roll = rng.random()
    if roll < 0.1:
        modulus = 1
    elif roll < 0.4:
        modulus = rng.randint(2, 100)
    else:
        modulus = rng.randint(2, 2**62 - 1)
    return (base, exponent, modulus)
