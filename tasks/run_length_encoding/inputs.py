"""Input generator: about `size` characters made of runs of random length (1 to 12) from a
small alphabet with a space and an accented letter.

The timing family "short_runs" has runs of one or two characters: the most pieces to join,
which makes building the answer by repeated string concatenation quadratic.
"""


def generate(size, rng):
    chars = []
    while len(chars) < size:
        chars += rng.choice("ab é") * rng.randint(1, 12)
    return ("".join(chars[:size]),)


def short_runs(size, rng):
    chars, previous = [], ""
    while len(chars) < size:
        char = rng.choice([c for c in "ab é" if c != previous])
        chars += char * rng.randint(1, 2)
        previous = char
    return ("".join(chars[:size]),)


FAMILIES = {"short_runs": short_runs}
