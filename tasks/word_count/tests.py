"""Hand-written edge cases for word_count; `candidate` is the sandboxed function."""


def test_empty(candidate):
    assert candidate("") == {}
    assert candidate(" ,.!? ") == {}


def test_example(candidate):
    expected = {"the": 2, "cat": 1, "and": 1, "hat": 1, "don't": 1}
    assert candidate("The cat and the hat. Don't!") == expected


def test_case_insensitive(candidate):
    assert candidate("Go GO go gO") == {"go": 4}


def test_digits_are_word_characters(candidate):
    assert candidate("route 66, route66 and 2024") == {
        "route": 1,
        "66": 1,
        "route66": 1,
        "and": 1,
        "2024": 1,
    }


def test_apostrophes(candidate):
    assert candidate("rock'n'roll") == {"rock'n'roll": 1}
    assert candidate("'quoted' dogs' 'tis") == {"quoted": 1, "dogs": 1, "tis": 1}
    assert candidate("a''b") == {"a": 1, "b": 1}


def test_separators(candidate):
    assert candidate("snake_case and kebab-case") == {"snake": 1, "case": 2, "and": 1, "kebab": 1}
    assert candidate("tab\tnew\nline") == {"tab": 1, "new": 1, "line": 1}


def test_non_ascii_letters_separate(candidate):
    assert candidate("café naïve") == {"caf": 1, "na": 1, "ve": 1}


def test_long(candidate):
    text = "Lorem ipsum, dolor; ipsum! " * 37_000  # 999,000 characters
    assert candidate(text) == {"lorem": 37_000, "ipsum": 74_000, "dolor": 37_000}
