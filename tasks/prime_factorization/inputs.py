"""Input generator: a product of random primes and prime powers of about `size` bits (at most
10**12), sometimes a single large prime."""


def _is_prime(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True


def generate(size, rng):
    limit = min(10**12, 2 ** max(2, size))
    if rng.random() < 0.2 and size <= 24:
        candidate = rng.randint(2, limit)
        while not _is_prime(candidate):
            candidate -= 1
        return (max(2, candidate),)
    n = 1
    for prime in (2, 3, 5, 7, 11, 13, 101, 997):
        while rng.random() < 0.35 and n * prime <= limit:
            n *= prime
    return (max(2, n * rng.randint(1, max(1, limit // n))),)
