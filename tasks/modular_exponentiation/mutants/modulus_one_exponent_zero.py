# Mutant: exponent 0 gives 1 even modulo 1
"""Reference solution: right-to-left binary exponentiation."""


def modular_exponentiation(base: int, exponent: int, modulus: int) -> int:
    """Return base ** exponent % modulus by repeated squaring."""
    result = 1
    base %= modulus
    while exponent:
        if exponent & 1:
            result = result * base % modulus
        base = base * base % modulus
        exponent >>= 1
    return result
