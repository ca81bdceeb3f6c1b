"""Input generator: a sorted list of `size` integers with duplicates, and a target that is in
the list about half of the time.

The timing family "absent_above" looks for a target larger than every item: the case that
makes a linear scan read the whole list. The timing family "random" looks for the middle item
of a random list: a target at a random place would make a linear scan's time jump from size to
size, and no class could be fitted to it.
"""


def generate(size, rng):
    spread = max(1, size)
    items = sorted(rng.randint(-spread, spread) for _ in range(size))
    if items and rng.random() < 0.5:
        target = rng.choice(items)
    else:
        target = rng.randint(-spread - 2, spread + 2)
    return (items, target)


def absent_above(size, rng):
    items, _ = generate(size, rng)
    return (items, max(1, size) + 3)


def middle_target(size, rng):
    items, _ = generate(size, rng)
    return (items, items[len(items) // 2] if items else 0)


FAMILIES = {"random": middle_target, "absent_above": absent_above}
