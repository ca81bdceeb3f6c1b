"""Hand-written edge cases for longest_palindromic_substring; `candidate` is the sandboxed
function."""


def test_empty(candidate):
    assert candidate("") == ""


def test_single(candidate):
    assert candidate("q") == "q"


def test_no_repeats_gives_first_letter(candidate):
    assert candidate("abcd") == "a"


def test_odd(candidate):
    assert candidate("babad") == "bab"
    assert candidate("xabacabay") == "abacaba"


def test_even(candidate):
    assert candidate("cbbd") == "bb"
    assert candidate("abccbx") == "bccb"


def test_whole_text(candidate):
    assert candidate("racecar") == "racecar"
    assert candidate("aaaa") == "aaaa"


def test_leftmost_of_equal_length(candidate):
    assert candidate("abacdc") == "aba"
    assert candidate("xyzzyabba") == "yzzy"


def test_at_the_end(candidate):
    assert candidate("abcdeffe") == "effe"


def test_long(candidate):
    assert candidate("a" * 2000) == "a" * 2000
    text = "ab" * 1000 + "c" + "ba" * 1000
    assert candidate(text) == text
    assert candidate("abc" * 1000) == "a"
