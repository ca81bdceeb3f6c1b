"""Input generator: about `size` characters made of runs of random length (1 to 12) from a
small alphabet with a space and an accented letter."""


def generate(size, rng):
    chars = []
    while len(chars) < size:
        chars += rng.choice("ab é") * rng.randint(1, 12)
    return ("".join(chars[:size]),)
