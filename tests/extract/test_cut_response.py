"""cut_response: a response cut to a size in UTF-8 bytes, between characters."""

from __future__ import annotations

import pytest

from codeeval.extract import cut_response


@pytest.mark.parametrize(
    ("text", "max_bytes", "kept"),
    [
        ("abc", 3, "abc"),
        ("abcd", 3, "abc"),
        ("aé", 2, "a"),  # é is 2 bytes: not split
        ("aé", 3, "aé"),
        ("€€", 5, "€"),  # € is 3 bytes
        ("€€", 6, "€€"),
        ("😀x", 3, ""),  # 4 bytes: nothing of it fits
        ("a\ud800b", 4, "a\ud800"),  # a lone surrogate counts 3 bytes, as stored
        ("", 1, ""),
    ],
)
def test_cuts_between_characters(text: str, max_bytes: int, kept: str) -> None:
    assert cut_response(text, max_bytes) == (kept, kept != text)
    assert len(kept.encode("utf-8", "surrogatepass")) <= max_bytes


def test_a_long_text_keeps_exactly_the_bytes_that_fit() -> None:
    text = "é" * 3_000_000  # 6 MB
    kept, cut = cut_response(text, 1_000_001)
    assert cut and kept == "é" * 500_000
