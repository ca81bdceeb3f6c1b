"""Input generator: `size` operations over short words from a three-letter alphabet, so that
prefixes are shared and repeated inserts happen."""


def _word(rng, shortest):
    return "".join(rng.choice("abc") for _ in range(rng.randint(shortest, 6)))


def generate(size, rng):
    ops = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.45:
            ops.append(("insert", _word(rng, 1)))
        elif roll < 0.75:
            ops.append(("search", _word(rng, 1)))
        else:
            ops.append(("prefix", _word(rng, 0)))
    return (ops,)
