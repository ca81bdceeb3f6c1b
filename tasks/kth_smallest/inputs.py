"""Input generator: max(1, size) integers with duplicates and a valid rank k.

The timing family "sorted" gives the same values in ascending order and asks for the median:
a quickselect that takes the first element as its pivot then removes one element per step.
"""


def generate(size, rng):
    count = max(1, size)
    items = [rng.randint(-count, count) for _ in range(count)]
    return (items, rng.randint(1, count))


def sorted_input(size, rng):
    items, _ = generate(size, rng)
    return (sorted(items), (len(items) + 1) // 2)


FAMILIES = {"sorted": sorted_input}
