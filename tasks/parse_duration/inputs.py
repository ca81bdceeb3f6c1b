"""Input generator: a valid duration with up to four parts of numbers below 10 * size + 10,
then, half of the time, one corruption (swap, repeat, drop, insert) that usually breaks it."""


def generate(size, rng):
    units = [unit for unit in "dhms" if rng.random() < 0.6] or [rng.choice("dhms")]
    parts = [str(rng.randint(0, 10 * size + 9)).zfill(rng.randint(1, 3)) + unit for unit in units]
    if rng.random() < 0.5:
        return ("".join(parts),)
    kind = rng.randrange(5)
    if kind == 0 and len(parts) > 1:
        i = rng.randrange(len(parts) - 1)
        parts[i], parts[i + 1] = parts[i + 1], parts[i]
    elif kind == 1:
        parts.append(rng.choice(parts))
    elif kind == 2:
        text = "".join(parts)
        cut = rng.randrange(len(text))
        return (text[:cut] + text[cut + 1 :],)
    elif kind == 3:
        text = "".join(parts)
        cut = rng.randint(0, len(text))
        return (text[:cut] + rng.choice([" ", "-", "x", "7", "H", ".", "h"]) + text[cut:],)
    else:
        return ("",)
    return ("".join(parts),)
