# Mutant: gcd(0, 0) divides by zero
"""Reference solution: Euclid's algorithm, and lcm = a // gcd * b."""


def gcd_lcm(a: int, b: int) -> tuple[int, int]:
    """Return (gcd(a, b), lcm(a, b)) for non-negative integers a and b."""
    x, y = a, b
    while y:
        x, y = y, x % y
    return (x, a // x * b)
