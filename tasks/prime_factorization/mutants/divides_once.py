# Mutant: each prime is divided out only once
"""Reference solution: trial division by 2 and then by odd numbers up to sqrt(n)."""


def prime_factorization(n: int) -> list[int]:
    """Return the prime factors of n (n >= 2), ascending, with multiplicity."""
    factors = []
    divisor = 2
    while divisor * divisor <= n:
        if n % divisor == 0:
            factors.append(divisor)
            n //= divisor
        divisor += 1 if divisor == 2 else 2
    if n > 1:
        factors.append(n)  # what remains has no factor up to its square root: a prime
    return factors
