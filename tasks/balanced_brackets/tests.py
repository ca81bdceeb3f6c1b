"""Hand-written edge cases for balanced_brackets; `candidate` is the sandboxed function."""


def test_empty(candidate):
    assert candidate("") is True


def test_no_brackets(candidate):
    assert candidate("hello world") is True


def test_example(candidate):
    assert candidate("a(b[c]{d}e)") is True


def test_simple_pairs(candidate):
    assert candidate("()") is True
    assert candidate("[]{}()") is True


def test_wrong_kind(candidate):
    assert candidate("(]") is False
    assert candidate("{)") is False


def test_crossed(candidate):
    assert candidate("([)]") is False


def test_close_before_open(candidate):
    assert candidate(")(") is False
    assert candidate("]") is False


def test_left_open(candidate):
    assert candidate("((") is False
    assert candidate("{[]") is False


def test_nested(candidate):
    assert candidate("{[()()]}") is True
    assert candidate("{[(])}") is False


def test_deep(candidate):
    assert candidate("(" * 500_000 + ")" * 500_000) is True
    assert candidate("[" * 500_000 + ")" * 500_000) is False
