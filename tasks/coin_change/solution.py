"""Reference solution: bottom-up dynamic programming.

The fewest coins are found for every amount up to the target.
"""


def coin_change(coins: list[int], amount: int) -> int:
    """Return the fewest coins that sum to amount, or -1 when none do."""
    impossible = amount + 1  # more coins than any answer can need
    fewest = [0] + [impossible] * amount
    for total in range(1, amount + 1):
        for coin in coins:
            if coin <= total and fewest[total - coin] + 1 < fewest[total]:
                fewest[total] = fewest[total - coin] + 1
    return fewest[amount] if fewest[amount] < impossible else -1
