"""Input generator: `size` random letters from "abc" with a planted palindrome of about a
quarter of the length, so the answer is long and not at a fixed place."""


def generate(size, rng):
    letters = [rng.choice("abc") for _ in range(size)]
    half = size // 8
    if half:
        core = [rng.choice("abc") for _ in range(half)]
        planted = core + core[::-1][rng.randint(0, 1) :]
        start = rng.randint(0, size - len(planted))
        letters[start : start + len(planted)] = planted
    return ("".join(letters),)
