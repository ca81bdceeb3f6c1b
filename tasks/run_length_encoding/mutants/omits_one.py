# Mutant: a run of length 1 is written without its length
"""Reference solution: one pass that counts the current run and emits it when it ends."""


def run_length_encoding(text: str) -> str:
    """Return text with every run of a character written as <length><character>."""
    if not text:
        return ""
    parts = []
    current, count = text[0], 1
    for char in text[1:]:
        if char == current:
            count += 1
        else:
            parts.append((str(count) if count > 1 else "") + current)
            current, count = char, 1
    parts.append((str(count) if count > 1 else "") + current)  # the last run has no following character to end it
    return "".join(parts)
