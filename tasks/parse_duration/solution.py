"""Reference solution: a left-to-right scan.

Digits accumulate until a unit letter says what they count.
"""

_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_ORDER = "dhms"


def parse_duration(text: str) -> int:
    """Return the number of seconds text stands for.

    Return -1 if text breaks the format.
    """
    total = 0
    digits = ""
    last_unit = -1  # position in _ORDER of the previous unit
    for char in text:
        if "0" <= char <= "9":
            digits += char
        elif char in _SECONDS and digits and _ORDER.index(char) > last_unit:
            total += int(digits) * _SECONDS[char]
            last_unit = _ORDER.index(char)
            digits = ""
        else:
            return -1
    if digits or last_unit == -1:
        return -1  # a number without a unit, or no part at all
    return total
