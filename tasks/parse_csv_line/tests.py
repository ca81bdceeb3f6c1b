"""Hand-written edge cases for parse_csv_line; `candidate` is the sandboxed function."""


def test_empty_line(candidate):
    assert candidate("") == [""]


def test_simple(candidate):
    assert candidate("a,b,c") == ["a", "b", "c"]


def test_single_field(candidate):
    assert candidate("hello") == ["hello"]


def test_empty_fields(candidate):
    assert candidate(",") == ["", ""]
    assert candidate("a,,b") == ["a", "", "b"]
    assert candidate("a,") == ["a", ""]
    assert candidate(",a") == ["", "a"]


def test_spaces_are_kept(candidate):
    assert candidate(" a , b ") == [" a ", " b "]


def test_quoted_comma(candidate):
    assert candidate('"a,b",c') == ["a,b", "c"]


def test_doubled_quotes(candidate):
    assert candidate('"say ""hi"""') == ['say "hi"']
    assert candidate('""""') == ['"']


def test_empty_quoted_field(candidate):
    assert candidate('"",x') == ["", "x"]
    assert candidate('x,""') == ["x", ""]


def test_quoted_field_last_with_trailing_comma(candidate):
    assert candidate('1,"two, three",') == ["1", "two, three", ""]


def test_mixed(candidate):
    line = 'id,"Smith, John","He said ""no""",,42'
    assert candidate(line) == ["id", "Smith, John", 'He said "no"', "", "42"]


def test_long(candidate):
    line = ",".join(['"x,""y"""'] * 10_000)
    assert candidate(line) == ['x,"y"'] * 10_000
