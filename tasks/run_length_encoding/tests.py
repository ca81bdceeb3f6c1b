"""Hand-written edge cases for run_length_encoding; `candidate` is the sandboxed function."""


def test_empty(candidate):
    assert candidate("") == ""


def test_single(candidate):
    assert candidate("z") == "1z"


def test_example(candidate):
    assert candidate("aaabccdddd") == "3a1b2c4d"


def test_no_runs(candidate):
    assert candidate("abc") == "1a1b1c"


def test_one_long_run(candidate):
    assert candidate("x" * 12) == "12x"


def test_same_character_in_separate_runs(candidate):
    assert candidate("aabaa") == "2a1b2a"


def test_spaces_and_case(candidate):
    assert candidate("  aA") == "2 1a1A"


def test_unicode(candidate):
    assert candidate("ééé!") == "3é1!"


def test_long(candidate):
    assert candidate("ab" * 500_000) == "1a1b" * 500_000
    assert candidate("q" * 1_000_000) == "1000000q"
