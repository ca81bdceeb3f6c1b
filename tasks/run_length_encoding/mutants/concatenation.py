# Mutant: the answer is built by repeated string concatenation (quadratic: test_long times out)
"""A single pass that appends each run with `encoded = encoded + ... + ...`: correct, but the
first `+` copies the whole answer so far (CPython extends a string in place only for
`s += x` or `s = s + x`), so many short runs take quadratic time."""


def run_length_encoding(text: str) -> str:
    """Return text with every run of a character encoded."""
    if not text:
        return ""
    encoded = ""
    current, count = text[0], 1
    for char in text[1:]:
        if char == current:
            count += 1
        else:
            encoded = encoded + str(count) + current
            current, count = char, 1
    return encoded + str(count) + current
