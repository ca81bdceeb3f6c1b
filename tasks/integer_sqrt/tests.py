"""Hand-written edge cases for integer_sqrt; `candidate` is the sandboxed function."""


def test_zero_and_one(candidate):
    assert candidate(0) == 0
    assert candidate(1) == 1


def test_small(candidate):
    assert [candidate(n) for n in range(2, 10)] == [1, 1, 2, 2, 2, 2, 2, 3]


def test_example(candidate):
    assert candidate(15) == 3
    assert candidate(16) == 4


def test_just_below_a_square(candidate):
    assert candidate(31) == 5
    assert candidate(99) == 9
    assert candidate(10**6 - 1) == 999


def test_perfect_squares(candidate):
    assert candidate(144) == 12
    assert candidate(2**62) == 2**31


def test_beyond_float_precision(candidate):
    r = 10**20 + 1
    assert candidate(r * r) == r
    assert candidate(r * r - 1) == r - 1


def test_huge(candidate):
    r = 10**99 + 12345
    assert candidate(r * r) == r
    assert candidate(r * r + 2 * r) == r
    assert candidate(r * r + 2 * r + 1) == r + 1
    # floor(sqrt(10) * 10**99): the first 100 digits of sqrt(10).
    digits = (
        "31622776601683793319988935444327185337195551393252"
        "16826857504852792594438639238221344248108379300295"
    )
    assert candidate(10**199) == int(digits)
