"""Hand-written edge cases for trie_ops; `candidate` is the sandboxed function."""


def test_no_operations(candidate):
    assert candidate([]) == []


def test_empty_trie(candidate):
    assert candidate([("search", "a"), ("prefix", "a"), ("prefix", "")]) == [False, 0, 0]


def test_word_and_prefix(candidate):
    ops = [
        ("insert", "apple"),
        ("search", "apple"),
        ("search", "app"),
        ("prefix", "app"),
        ("insert", "app"),
        ("search", "app"),
        ("prefix", "app"),
        ("prefix", "apple"),
        ("prefix", "apples"),
    ]
    assert candidate(ops) == [True, False, 1, True, 2, 1, 0]


def test_duplicate_insert_counts_once(candidate):
    ops = [("insert", "cat"), ("insert", "cat"), ("prefix", "c"), ("prefix", "")]
    assert candidate(ops) == [1, 1]


def test_empty_prefix_counts_every_word(candidate):
    ops = [("insert", w) for w in ("a", "ab", "b", "ba", "abc")] + [("prefix", "")]
    assert candidate(ops) == [5]


def test_branching(candidate):
    ops = [("insert", w) for w in ("to", "tea", "ted", "ten", "i", "in", "inn")]
    ops += [("prefix", "te"), ("prefix", "t"), ("prefix", "i"), ("prefix", "x")]
    ops += [("search", "te"), ("search", "inn"), ("search", "innn")]
    assert candidate(ops) == [3, 4, 3, 0, False, True, False]


def test_many_words(candidate):
    words = [a + b + c for a in "abcdefghij" for b in "abcdefghij" for c in "abcdefghij"]
    ops = [("insert", w) for w in words] + [("prefix", "a"), ("prefix", "ab"), ("prefix", "")]
    assert candidate(ops) == [100, 10, 1000]
