"""Hand-written edge cases for gcd_lcm; `candidate` is the sandboxed function."""


def test_example(candidate):
    assert candidate(12, 18) == (6, 36)


def test_both_zero(candidate):
    assert candidate(0, 0) == (0, 0)


def test_one_zero(candidate):
    assert candidate(0, 5) == (5, 0)
    assert candidate(7, 0) == (7, 0)


def test_coprime(candidate):
    assert candidate(8, 15) == (1, 120)
    assert candidate(3, 2) == (1, 6)


def test_one_divides_the_other(candidate):
    assert candidate(6, 3) == (3, 6)
    assert candidate(4, 20) == (4, 20)


def test_equal(candidate):
    assert candidate(9, 9) == (9, 9)


def test_ones(candidate):
    assert candidate(1, 1) == (1, 1)
    assert candidate(1, 999) == (1, 999)


def test_fibonacci_worst_case(candidate):
    assert candidate(832040, 514229) == (1, 427859097160)


def test_huge(candidate):
    a = 2**600 * 3**50
    b = 2**400 * 5**30
    assert candidate(a, b) == (2**400, 2**600 * 3**50 * 5**30)
    assert candidate(10**999 + 7, 10**999 + 7) == (10**999 + 7, 10**999 + 7)
