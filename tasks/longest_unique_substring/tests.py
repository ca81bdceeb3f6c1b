"""Hand-written edge cases for longest_unique_substring; `candidate` is the sandboxed
function."""


def test_empty(candidate):
    assert candidate("") == 0


def test_single(candidate):
    assert candidate("x") == 1


def test_examples(candidate):
    assert candidate("abcabcbb") == 3
    assert candidate("pwwkew") == 3
    assert candidate("bbbbb") == 1


def test_all_distinct(candidate):
    assert candidate("abcdef") == 6


def test_old_repeat_outside_window(candidate):
    assert candidate("abba") == 2
    assert candidate("tmmzuxt") == 5


def test_best_at_the_end(candidate):
    assert candidate("aab") == 2
    assert candidate("aaabcd") == 4


def test_case_and_spaces(candidate):
    assert candidate("aA bB a") == 5


def test_unicode(candidate):
    assert candidate("日本語日本") == 3


def test_long(candidate):
    text = "".join(chr(0x4E00 + i) for i in range(5000)) * 200
    assert candidate(text) == 5000
    assert candidate("ab" * 500_000) == 2
