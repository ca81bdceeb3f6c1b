# Mutant: a prime factor above the square root is lost
"""Reference solution: trial division by 2 and then by odd numbers up to sqrt(n)."""


def prime_factorization(n: int) -> list[int]:
    """Return the prime factors of n (n >= 2), ascending, with multiplicity."""
    factors = []
    divisor = 2
    while divisor * divisor <= n:
        while n % divisor == 0:
            factors.append(divisor)
            n //= divisor
        divisor += 1 if divisor == 2 else 2
    return factors
