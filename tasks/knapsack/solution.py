"""Reference solution: one-row dynamic programming over capacities.

The row is filled downwards.
"""


def knapsack(weights: list[int], values: list[int], capacity: int) -> int:
    """Return the best total value of items that fit within capacity.

    Each item is used at most once.
    """
    best = [0] * (capacity + 1)  # best[room]: best value within weight `room`
    for weight, value in zip(weights, values):
        # Downwards, so best[room - weight] does not yet include this item.
        for room in range(capacity, weight - 1, -1):
            best[room] = max(best[room], best[room - weight] + value)
    return best[capacity]
