"""Hand-written edge cases for flatten_dict; `candidate` is the sandboxed function."""


def test_empty(candidate):
    assert candidate({}) == {}


def test_already_flat(candidate):
    assert candidate({"a": 1, "b": "two", "c": None}) == {"a": 1, "b": "two", "c": None}


def test_example(candidate):
    data = {"a": 1, "b": {"c": [2, 3], "d": {"e": None}, "f": {}}}
    assert candidate(data) == {"a": 1, "b.c": [2, 3], "b.d.e": None, "b.f": {}}


def test_empty_nested_dict_is_a_leaf(candidate):
    assert candidate({"x": {}}) == {"x": {}}
    assert candidate({"x": {"y": {}}}) == {"x.y": {}}


def test_lists_are_not_flattened(candidate):
    data = {"items": [{"a": 1}, [2, {"b": 3}]]}
    assert candidate(data) == {"items": [{"a": 1}, [2, {"b": 3}]]}


def test_deep_path(candidate):
    data = {"a": {"b": {"c": {"d": 4}}, "e": 5}}
    assert candidate(data) == {"a.b.c.d": 4, "a.e": 5}


def test_same_key_at_different_depths(candidate):
    data = {"k": {"k": {"k": 1}, "j": 2}, "j": 3}
    assert candidate(data) == {"k.k.k": 1, "k.j": 2, "j": 3}


def test_fifty_levels(candidate):
    data = 7
    for level in range(50, 0, -1):
        data = {f"l{level}": data}
    path = ".".join(f"l{level}" for level in range(1, 51))
    assert candidate(data) == {path: 7}


def test_many_values(candidate):
    data = {f"g{i}": {f"v{j}": i * 1000 + j for j in range(1000)} for i in range(100)}
    result = candidate(data)
    assert len(result) == 100_000
    assert result["g0.v0"] == 0
    assert result["g99.v999"] == 99_999
    assert result["g42.v7"] == 42_007
