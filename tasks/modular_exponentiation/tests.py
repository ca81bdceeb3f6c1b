"""Hand-written edge cases for modular_exponentiation; `candidate` is the sandboxed function."""


def test_small(candidate):
    assert candidate(2, 10, 1000) == 24
    assert candidate(3, 4, 5) == 1
    assert candidate(7, 3, 13) == 5


def test_exponent_zero(candidate):
    assert candidate(5, 0, 7) == 1
    assert candidate(0, 0, 7) == 1


def test_modulus_one(candidate):
    assert candidate(5, 0, 1) == 0
    assert candidate(5, 3, 1) == 0


def test_base_zero_and_one(candidate):
    assert candidate(0, 5, 7) == 0
    assert candidate(1, 10**100, 97) == 1


def test_base_larger_than_modulus(candidate):
    assert candidate(10, 2, 7) == 2
    assert candidate(2**64 - 1, 1, 10) == 5


def test_fermat(candidate):
    p = 1_000_000_007
    assert candidate(123_456_789, p - 1, p) == 1
    assert candidate(2, p - 2, p) == 500_000_004


def test_huge_exponent(candidate):
    # 2 has order 4 modulo 5, and 2**4000 is a multiple of 4.
    assert candidate(2, 2**4000, 5) == 1
    # Fermat: 3**(k * (p - 1)) is 1 modulo the prime p = 2**61 - 1.
    p = 2**61 - 1
    assert candidate(3, (p - 1) * 2**4000, p) == 1
    assert candidate(3, (p - 1) * 2**4000 + 1, p) == 3
    # 10**k is 1 modulo 9.
    assert candidate(10, 2**4095 - 1, 9) == 1
