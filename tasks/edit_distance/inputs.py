"""Input generator: a string of `size` letters from a four-letter alphabet, and a copy of it
with about size/4 random edits (or, one time in four, an unrelated string)."""


def generate(size, rng):
    a = "".join(rng.choice("abcd") for _ in range(size))
    if rng.random() < 0.25:
        return (a, "".join(rng.choice("abcd") for _ in range(rng.randint(0, size))))
    b = list(a)
    for _ in range(size // 4 + 1):
        roll = rng.random()
        position = rng.randint(0, len(b))
        if roll < 0.33:
            b.insert(position, rng.choice("abcd"))
        elif b and position < len(b):
            if roll < 0.66:
                del b[position]
            else:
                b[position] = rng.choice("abcd")
    return (a, "".join(b))


def edited_copy(size, rng):
    """Always an edited copy, so both strings have about `size` letters."""
    a = "".join(rng.choice("abcd") for _ in range(size))
    b = list(a)
    for _ in range(size // 4 + 1):
        position = rng.randint(0, len(b))
        if rng.random() < 0.5:
            b.insert(position, rng.choice("abcd"))
        elif position < len(b):
            b[position] = rng.choice("abcd")
    return (a, "".join(b))


# Timing: `generate` sometimes pairs a string with one of random length.
FAMILIES = {"random": edited_copy}
