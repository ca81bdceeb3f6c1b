"""Hand-written edge cases for roman_numerals; `candidate` is the sandboxed function."""


def test_single_symbols(candidate):
    assert [candidate(n) for n in (1, 5, 10, 50, 100, 500, 1000)] == list("IVXLCDM")


def test_one_to_ten(candidate):
    expected = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    assert [candidate(n) for n in range(1, 11)] == expected


def test_subtractive_forms(candidate):
    assert candidate(40) == "XL"
    assert candidate(90) == "XC"
    assert candidate(400) == "CD"
    assert candidate(900) == "CM"


def test_examples(candidate):
    assert candidate(1994) == "MCMXCIV"
    assert candidate(3999) == "MMMCMXCIX"
    assert candidate(58) == "LVIII"


def test_repeated_symbols(candidate):
    assert candidate(3) == "III"
    assert candidate(30) == "XXX"
    assert candidate(3000) == "MMM"


def test_mixed(candidate):
    assert candidate(444) == "CDXLIV"
    assert candidate(999) == "CMXCIX"
    assert candidate(2024) == "MMXXIV"
    assert candidate(1666) == "MDCLXVI"
