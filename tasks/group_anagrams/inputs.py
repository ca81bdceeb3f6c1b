"""Input generator: `size` words of 0 to 4 letters from "abc", so anagram classes are large
and repeated words common."""


def generate(size, rng):
    words = ["".join(rng.choice("abc") for _ in range(rng.randint(0, 4))) for _ in range(size)]
    return (words,)
