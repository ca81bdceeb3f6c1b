"""Reference solution: the sieve of Eratosthenes on a bytearray.

The multiples of each prime p are crossed off from p * p.
"""


def sieve_of_primes(limit: int) -> list[int]:
    """Return every prime p <= limit, ascending."""
    if limit < 2:
        return []
    is_prime = bytearray([1]) * (limit + 1)
    is_prime[0] = is_prime[1] = 0
    for p in range(2, int(limit**0.5) + 1):
        if is_prime[p]:
            # Smaller multiples of p were crossed off by smaller primes.
            is_prime[p * p::p] = bytes(len(range(p * p, limit + 1, p)))
    return [n for n in range(2, limit + 1) if is_prime[n]]
