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
