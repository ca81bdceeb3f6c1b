"""Input generator: `size` operations, about half pushes, with duplicates and pops of an
empty heap."""


def generate(size, rng):
    ops = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.5:
            ops.append(("push", rng.randint(-size, size)))
        elif roll < 0.85:
            ops.append(("pop",))
        else:
            ops.append(("peek",))
    return (ops,)
