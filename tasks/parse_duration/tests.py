"""Hand-written edge cases for parse_duration; `candidate` is the sandboxed function."""


def test_examples(candidate):
    assert candidate("1h30m") == 5400
    assert candidate("2d3s") == 172_803
    assert candidate("0s") == 0


def test_each_unit(candidate):
    assert candidate("1d") == 86_400
    assert candidate("1h") == 3_600
    assert candidate("1m") == 60
    assert candidate("1s") == 1


def test_all_units(candidate):
    assert candidate("1d2h3m4s") == 86_400 + 7_200 + 180 + 4


def test_leading_zeros_and_big_numbers(candidate):
    assert candidate("05m") == 300
    assert candidate("90s") == 90
    assert candidate("100h") == 360_000


def test_empty(candidate):
    assert candidate("") == -1


def test_wrong_order(candidate):
    assert candidate("30m1h") == -1
    assert candidate("1s1m") == -1


def test_repeated_unit(candidate):
    assert candidate("1h1h") == -1


def test_number_without_unit(candidate):
    assert candidate("90") == -1
    assert candidate("1h30") == -1


def test_unit_without_number(candidate):
    assert candidate("m") == -1
    assert candidate("1hm") == -1


def test_other_characters(candidate):
    assert candidate("1h 30m") == -1
    assert candidate("-5s") == -1
    assert candidate("+5s") == -1
    assert candidate("1.5h") == -1
    assert candidate("1H") == -1
    assert candidate("1w") == -1
    assert candidate("\u0663s") == -1  # ARABIC-INDIC DIGIT THREE is not an ASCII digit
