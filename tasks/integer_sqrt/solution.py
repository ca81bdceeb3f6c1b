"""Reference solution: Newton's method on integers, starting above the root."""


def integer_sqrt(n: int) -> int:
    """Return the largest r with r * r <= n, for n >= 0."""
    if n < 2:
        return n
    x = 1 << ((n.bit_length() + 1) // 2)  # a power of two >= sqrt(n)
    while True:
        # From above, Newton's steps decrease strictly until they reach
        # floor(sqrt(n)).
        y = (x + n // x) // 2
        if y >= x:
            return x
        x = y
