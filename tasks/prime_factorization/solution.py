"""Reference solution: trial division by 2, then odd numbers up to sqrt(n)."""


def prime_factorization(n: int) -> list[int]:
    """Return the prime factors of n (n >= 2), ascending, with multiplicity."""
    factors = []
    divisor = 2
    while divisor * divisor <= n:
        while n % divisor == 0:
            factors.append(divisor)
            n //= divisor
        divisor += 1 if divisor == 2 else 2
    if n > 1:
        # What remains has no factor up to its square root: a prime.
        factors.append(n)
    return factors
