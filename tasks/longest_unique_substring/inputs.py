"""Input generator: `size` characters from a random alphabet of 2 to 30 letters."""

import string


def generate(size, rng):
    alphabet = string.ascii_letters[: rng.randint(2, 30)]
    return ("".join(rng.choice(alphabet) for _ in range(size)),)
