"""Input generator: a random nested dictionary with about `size` values in all, up to six
levels deep, with integer, string, None, list and empty-dict leaves."""


def _leaf(rng):
    return rng.choice([rng.randint(-9, 9), "s", None, [1, 2], [], {}])


def _build(rng, budget, depth):
    data = {}
    while budget > 0:
        key = rng.choice("abcxyz_") + str(rng.randint(0, 9))
        if depth < 6 and rng.random() < 0.3:
            share = rng.randint(1, budget)
            data[key] = _build(rng, share - 1, depth + 1)
            budget -= share
        else:
            data[key] = _leaf(rng)
            budget -= 1
    return data


def generate(size, rng):
    return (_build(rng, size, 0),)


def _distinct(rng, budget, depth, counter):
    data = {}
    while budget > 0:
        counter[0] += 1
        key = rng.choice("abcxyz_") + str(counter[0])
        if depth < 6 and rng.random() < 0.3:
            share = rng.randint(1, budget)
            data[key] = _distinct(rng, share - 1, depth + 1, counter)
            budget -= share
        else:
            data[key] = _leaf(rng)
            budget -= 1
    return data


def distinct_keys(size, rng):
    """As `generate`, with distinct keys, so the dictionary really holds `size` values."""
    return (_distinct(rng, size, 0, [0]),)


# Timing: `generate`'s keys collide, so how many values remain varies from size to size.
FAMILIES = {"random": distinct_keys}
