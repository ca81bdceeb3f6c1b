"""Reference solution: a stack of the brackets that are still open."""

_OPENING = {")": "(", "]": "[", "}": "{"}


def balanced_brackets(text: str) -> bool:
    """Return True when the (), [] and {} in text are balanced.

    Characters other than brackets are ignored.
    """
    stack = []
    for char in text:
        if char in "([{":
            stack.append(char)
        elif char in _OPENING:
            if not stack or stack.pop() != _OPENING[char]:
                return False
    return not stack
