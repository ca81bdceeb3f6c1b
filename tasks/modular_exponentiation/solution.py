"""Reference solution: right-to-left binary exponentiation."""


def modular_exponentiation(base: int, exponent: int, modulus: int) -> int:
    """Return base ** exponent % modulus by repeated squaring."""
    result = 1 % modulus  # so anything modulo 1 is 0, even with exponent 0
    base %= modulus
    while exponent:
        if exponent & 1:
            result = result * base % modulus
        base = base * base % modulus
        exponent >>= 1
    return result
