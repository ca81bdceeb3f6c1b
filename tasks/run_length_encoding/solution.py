"""Reference solution: a single pass over the text.

It counts the current run and emits it when the run ends.
"""


def run_length_encoding(text: str) -> str:
    """Return text with every run of a character encoded.

    Each run is written as <length><character>.
    """
    if not text:
        return ""
    parts = []
    current, count = text[0], 1
    for char in text[1:]:
        if char == current:
            count += 1
        else:
            parts.append(f"{count}{current}")
            current, count = char, 1
    # The last run has no following character to end it.
    parts.append(f"{count}{current}")
    return "".join(parts)
