"""Hand-written edge cases for longest_common_subsequence; `candidate` is the sandboxed
function."""


def test_empty(candidate):
    assert candidate("", "") == 0
    assert candidate("abc", "") == 0
    assert candidate("", "abc") == 0


def test_example(candidate):
    assert candidate("abcde", "ace") == 3


def test_equal(candidate):
    assert candidate("abc", "abc") == 3


def test_nothing_in_common(candidate):
    assert candidate("abc", "def") == 0


def test_each_character_used_once(candidate):
    assert candidate("a", "aaaa") == 1
    assert candidate("aab", "ab") == 2


def test_classic(candidate):
    assert candidate("ABCBDAB", "BDCABA") == 4
    assert candidate("AGGTAB", "GXTXAYB") == 4


def test_order_matters(candidate):
    assert candidate("abc", "cba") == 1


def test_long(candidate):
    assert candidate("ab" * 500, "b" * 1000) == 500
    assert candidate("abc" * 600, "cab" * 600) == 1799
