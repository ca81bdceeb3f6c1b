"""Hand-written edge cases for group_anagrams; `candidate` is the sandboxed function."""


def test_empty(candidate):
    assert candidate([]) == []


def test_single(candidate):
    assert candidate(["abc"]) == [["abc"]]


def test_example(candidate):
    words = ["eat", "tea", "tan", "ate", "nat", "bat"]
    assert candidate(words) == [["ate", "eat", "tea"], ["bat"], ["nat", "tan"]]


def test_letter_counts_matter(candidate):
    assert candidate(["aab", "ab", "ba", "abb"]) == [["aab"], ["ab", "ba"], ["abb"]]


def test_repeated_words_are_kept(candidate):
    assert candidate(["ab", "ba", "ab"]) == [["ab", "ab", "ba"]]


def test_empty_word(candidate):
    assert candidate(["", "a", ""]) == [["", ""], ["a"]]


def test_groups_ordered_by_first_word(candidate):
    words = ["zz", "zy", "yz", "b", "a"]
    assert candidate(words) == [["a"], ["b"], ["yz", "zy"], ["zz"]]


def test_small_group_before_large(candidate):
    words = ["dcba", "abcd", "bcda", "acbd", "aa"]
    assert candidate(words) == [["aa"], ["abcd", "acbd", "bcda", "dcba"]]


def test_many_words(candidate):
    words = ["abc", "bca", "cab", "xyz"] * 25_000
    result = candidate(words)
    assert result == [
        ["abc"] * 25_000 + ["bca"] * 25_000 + ["cab"] * 25_000,
        ["xyz"] * 25_000,
    ]
