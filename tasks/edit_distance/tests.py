"""Hand-written edge cases for edit_distance; `candidate` is the sandboxed function."""


def test_both_empty(candidate):
    assert candidate("", "") == 0


def test_one_empty(candidate):
    assert candidate("abc", "") == 3
    assert candidate("", "abcd") == 4


def test_equal(candidate):
    assert candidate("same", "same") == 0


def test_classic(candidate):
    assert candidate("kitten", "sitting") == 3
    assert candidate("flaw", "lawn") == 2
    assert candidate("intention", "execution") == 5


def test_single_operations(candidate):
    assert candidate("abc", "abd") == 1
    assert candidate("abc", "ab") == 1
    assert candidate("abc", "xabc") == 1


def test_completely_different(candidate):
    assert candidate("aaaa", "bbbb") == 4
    assert candidate("ab", "cdef") == 4


def test_symmetric(candidate):
    assert candidate("sunday", "saturday") == 3
    assert candidate("saturday", "sunday") == 3


def test_unicode(candidate):
    assert candidate("café", "cafe") == 1
    assert candidate("编辑距离", "编辑") == 2


def test_long(candidate):
    a = "ab" * 1000
    assert candidate(a, "b" + a[1:]) == 1
    assert candidate("ab" * 250, "ba" * 250) == 2
