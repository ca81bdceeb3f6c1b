"""Hand-written edge cases for validate_email; `candidate` is the sandboxed function."""


def test_valid_examples(candidate):
    assert candidate("john.doe+tag@mail.example.com") is True
    assert candidate("a@b.co") is True
    assert candidate("A_B-c@x-y.ORG") is True
    assert candidate("123@456.example.io") is True


def test_invalid_examples(candidate):
    assert candidate("john..doe@example.com") is False
    assert candidate("john@localhost") is False
    assert candidate("john@-example.com") is False
    assert candidate("john@example.c0m") is False


def test_at_signs(candidate):
    assert candidate("") is False
    assert candidate("example.com") is False
    assert candidate("a@@example.com") is False
    assert candidate("a@b@example.com") is False


def test_local_part(candidate):
    assert candidate("@example.com") is False
    assert candidate(".a@example.com") is False
    assert candidate("a.@example.com") is False
    assert candidate("a b@example.com") is False
    assert candidate("a!b@example.com") is False
    assert candidate("é@example.com") is False
    assert candidate("x" * 64 + "@example.com") is True
    assert candidate("x" * 65 + "@example.com") is False


def test_domain_labels(candidate):
    assert candidate("a@example..com") is False
    assert candidate("a@.example.com") is False
    assert candidate("a@example.com.") is False
    assert candidate("a@exa_mple.com") is False
    assert candidate("a@example-.com") is False
    assert candidate("a@ex-ample.com") is True
    assert candidate("a@" + "d" * 63 + ".com") is True
    assert candidate("a@" + "d" * 64 + ".com") is False


def test_top_level_domain(candidate):
    assert candidate("a@example.c") is False
    assert candidate("a@example.123") is False
    assert candidate("a@example.co-m") is False
    assert candidate("a@example.Com") is True


def test_total_length(candidate):
    domain = ".".join(["d" * 60] * 3) + ".com"  # 186 characters
    assert candidate("x" * 64 + "@" + domain) is True  # 251 characters
    assert candidate("x" * 64 + "@a" + domain) is True  # 252 characters
    long_domain = ".".join(["d" * 61] * 3) + ".com"  # 189 characters
    assert candidate("x" * 64 + "@" + long_domain) is True  # 254 characters
    assert candidate("x" * 64 + "@a" + long_domain) is False  # 255 characters


def test_whitespace(candidate):
    assert candidate(" a@example.com") is False
    assert candidate("a@example.com\n") is False
