"""Input generator: `size` letters from a two-letter alphabet, and a pattern of up to six
letters, usually cut from the text so that it occurs."""


def generate(size, rng):
    text = "".join(rng.choice("ab") for _ in range(size))
    length = rng.randint(1, 6)
    if size >= length and rng.random() < 0.7:
        start = rng.randint(0, size - length)
        pattern = text[start : start + length]
    else:
        pattern = "".join(rng.choice("ab") for _ in range(length))
    return (text, pattern)
