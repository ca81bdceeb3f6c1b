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
