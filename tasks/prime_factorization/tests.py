"""Hand-written edge cases for prime_factorization; `candidate` is the sandboxed function."""


def test_smallest(candidate):
    assert candidate(2) == [2]
    assert candidate(3) == [3]
    assert candidate(4) == [2, 2]


def test_example(candidate):
    assert candidate(360) == [2, 2, 2, 3, 3, 5]


def test_prime(candidate):
    assert candidate(13) == [13]
    assert candidate(97) == [97]


def test_prime_power(candidate):
    assert candidate(1024) == [2] * 10
    assert candidate(3**10) == [3] * 10


def test_square_of_prime(candidate):
    assert candidate(9) == [3, 3]
    assert candidate(49) == [7, 7]
    assert candidate(10_007**2) == [10_007, 10_007]


def test_large_prime_factor(candidate):
    assert candidate(2 * 1_000_003) == [2, 1_000_003]


def test_product_of_two_large_primes(candidate):
    assert candidate(999_983 * 1_000_003) == [999_983, 1_000_003]


def test_large_prime(candidate):
    assert candidate(999_999_999_989) == [999_999_999_989]


def test_power_of_ten(candidate):
    assert candidate(10**12) == [2] * 12 + [5] * 12
