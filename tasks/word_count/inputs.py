"""Input generator: about `size` characters of short words in mixed case, with digits,
apostrophes, underscores, hyphens, accented letters and punctuation between them.

The timing family "distinct_words" has about one new word in two: counting them with a list
of the words seen so far is then quadratic.
"""


def generate(size, rng):
    words = ["the", "The", "cat", "don't", "it's", "a1", "42", "x'", "'y", "caf\u00e9", "o'neil"]
    separators = [" ", " ", ", ", ". ", "_", "-", "\n", "''", "!", "\u00e9"]
    parts = []
    length = 0
    while length < size:
        piece = rng.choice(words) + rng.choice(separators)
        parts.append(piece)
        length += len(piece)
    return ("".join(parts)[:size],)


def distinct_words(size, rng):
    parts, length = [], 0
    while length < size:
        piece = f"w{rng.randrange(max(1, size // 8))} "
        parts.append(piece)
        length += len(piece)
    return ("".join(parts)[:size],)


FAMILIES = {"distinct_words": distinct_words}
