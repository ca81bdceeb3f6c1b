"""Input generator: a valid address whose local part has about `size` characters, then, two
times in three, one corruption aimed at a rule (which may or may not break it)."""

import string

_LOCAL = string.ascii_letters + string.digits + "._+-"
_LABEL = string.ascii_lowercase + string.digits + "-"


def _text(rng, alphabet, length):
    return "".join(rng.choice(alphabet) for _ in range(length))


def _label(rng):
    return _text(rng, _LABEL, rng.randint(1, 8)).strip("-") or "d"


def _valid(rng, size):
    local = _text(rng, _LOCAL, max(1, size)).strip(".").replace("..", ".") or "x"
    labels = [_label(rng) for _ in range(rng.randint(1, 3))]
    labels.append(_text(rng, string.ascii_letters, rng.randint(2, 4)))
    return local + "@" + ".".join(labels)


def _insert(rng, text, piece):
    position = rng.randint(0, len(text))
    return text[:position] + piece + text[position:]


def generate(size, rng):
    address = _valid(rng, size)
    local, domain = address.split("@")
    kind = rng.randrange(9)
    if kind == 0:
        local = _insert(rng, local, "..")
    elif kind == 1:
        domain = domain.replace(".", "", rng.randint(1, 3))
    elif kind == 2:
        domain = rng.choice(["-", ""]) + domain.replace(".", rng.choice(["-.", ".-", "."]), 1)
    elif kind == 3:
        domain += rng.choice(["1", "-", "9x", ""])
    elif kind == 4:
        local = _insert(rng, local, rng.choice([" ", "é", "!", ".", "_"]))
    elif kind == 5:
        return (_insert(rng, address, rng.choice(["@", ".", "-", "1"])),)
    elif kind == 6:
        position = rng.randrange(len(address))
        return (address[:position] + address[position + 1 :],)
    return (local + "@" + domain,)
