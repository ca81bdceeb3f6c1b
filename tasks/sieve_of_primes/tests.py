"""Hand-written edge cases for sieve_of_primes; `candidate` is the sandboxed function."""


def test_below_two(candidate):
    assert candidate(0) == []
    assert candidate(1) == []


def test_two_and_three(candidate):
    assert candidate(2) == [2]
    assert candidate(3) == [2, 3]


def test_example(candidate):
    assert candidate(10) == [2, 3, 5, 7]


def test_limit_is_prime(candidate):
    assert candidate(13) == [2, 3, 5, 7, 11, 13]


def test_squares_of_primes_excluded(candidate):
    assert candidate(25) == [2, 3, 5, 7, 11, 13, 17, 19, 23]
    assert candidate(49)[-3:] == [41, 43, 47]


def test_first_hundred(candidate):
    expected = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47,
        53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    ]  # fmt: skip
    assert candidate(100) == expected


def test_counts(candidate):
    # pi(10^4) = 1229 and pi(10^6) = 78498, the prime-counting function's known values.
    assert len(candidate(10_000)) == 1229
    primes = candidate(1_000_000)
    assert len(primes) == 78_498
    assert primes[-1] == 999_983
