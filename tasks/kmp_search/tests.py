"""Hand-written edge cases for kmp_search; `candidate` is the sandboxed function."""


def test_empty_text(candidate):
    assert candidate("", "a") == []


def test_no_match(candidate):
    assert candidate("abcdef", "xyz") == []
    assert candidate("ab", "abc") == []


def test_whole_text(candidate):
    assert candidate("abc", "abc") == [0]


def test_single_character(candidate):
    assert candidate("banana", "a") == [1, 3, 5]


def test_overlapping(candidate):
    assert candidate("aaaa", "aa") == [0, 1, 2]
    assert candidate("abababa", "aba") == [0, 2, 4]


def test_partial_match_restart(candidate):
    assert candidate("aaab", "aab") == [1]
    assert candidate("abcabcabd", "abcabd") == [3]
    assert candidate("aabaaab", "aaab") == [3]


def test_classic(candidate):
    assert candidate("ABABDABACDABABCABAB", "ABABCABAB") == [10]


def test_match_at_the_end(candidate):
    assert candidate("xxxxy", "xy") == [3]


def test_unicode(candidate):
    assert candidate("日本日本日", "日本日") == [0, 2]


def test_worst_case_for_naive_search(candidate):
    text = "a" * 999_999
    assert candidate(text, "a" * 1000 + "b") == []
    assert candidate(text + "b", "a" * 1000 + "b") == [998_999]
