"""Input generator: about `size` characters; half the time a balanced bracket sequence with
letters mixed in, otherwise random brackets (and, sometimes, one flipped bracket)."""

_PAIRS = ["()", "[]", "{}"]


def generate(size, rng):
    if rng.random() < 0.5:
        chars = [rng.choice("()[]{}x") for _ in range(size)]
        return ("".join(chars),)
    chars, stack = [], []
    while len(chars) < size:
        roll = rng.random()
        if roll < 0.1:
            chars.append("x")
        elif stack and (roll < 0.5 or len(chars) + len(stack) >= size):
            chars.append(stack.pop())
        else:
            pair = rng.choice(_PAIRS)
            chars.append(pair[0])
            stack.append(pair[1])
    chars += reversed(stack)
    if chars and rng.random() < 0.3:
        position = rng.randrange(len(chars))
        chars[position] = rng.choice("()[]{}")
    return ("".join(chars),)


def balanced(size, rng):
    """A balanced sequence with letters mixed in: the whole text must be read."""
    chars, stack = [], []
    while len(chars) + len(stack) < size:
        if stack and rng.random() < 0.5:
            chars.append(stack.pop())
        elif rng.random() < 0.1:
            chars.append("x")
        else:
            pair = rng.choice(_PAIRS)
            chars.append(pair[0])
            stack.append(pair[1])
    return ("".join(chars + stack[::-1]),)


def deep(size, rng):
    """Everything nested in everything: the stack grows to half the text."""
    opening = [rng.choice(_PAIRS) for _ in range(size // 2)]
    return ("".join(p[0] for p in opening) + "".join(p[1] for p in reversed(opening)),)


# Timing: random brackets fail at the first stray closer, so "random" is balanced text.
FAMILIES = {"random": balanced, "deep": deep}
