# Mutant: the lcm is a * b
"""Reference solution: Euclid's algorithm, and lcm = a // gcd * b."""


def gcd_lcm(a: int, b: int) -> tuple[int, int]:
    """Return (gcd(a, b), lcm(a, b)) for non-negative integers a and b."""
    x, y = a, b
    while y:
        x, y = y, x % y
    if x == 0:
        return (0, 0)  # only when a == b == 0
    return (x, a * b)
