"""Cut a response to a size in bytes before anything else reads it."""

from __future__ import annotations

# How a stored generation's `extract_method` says that its response was cut (`cut_note`).
RESPONSE_CUT = "response cut at"


def cut_note(max_bytes: int) -> str:
    """What a generation cut at `max_bytes` records: `response cut at 1000000 bytes`."""
    return f"{RESPONSE_CUT} {max_bytes} bytes"


def cut_response(text: str, max_bytes: int) -> tuple[str, bool]:
    """The longest prefix of `text` whose UTF-8 encoding fits in `max_bytes`.

    The cut falls between characters, never inside one. The cost is bounded by `max_bytes`,
    whatever the length of `text`: only its first `max_bytes + 1` characters are encoded.
    Lone surrogates (which no UTF-8 text holds, but a Python string may) count 3 bytes each,
    as they are stored.

    Args:
        text: A response.
        max_bytes: The most bytes to keep (at least 1).

    Returns:
        (the kept text, whether anything was cut).
    """
    if len(text) <= max_bytes // 4:  # 4 bytes per character at most: it fits
        return text, False
    head = text[: max_bytes + 1].encode("utf-8", "surrogatepass")
    if len(head) <= max_bytes:  # then the text is no longer than max_bytes characters
        return text, False
    end = max_bytes
    while end > 0 and head[end] & 0xC0 == 0x80:  # head[end] continues a character: back off
        end -= 1
    return head[:end].decode("utf-8", "surrogatepass"), True
