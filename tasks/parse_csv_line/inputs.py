"""Input generator: a well-formed line of about size / 4 + 1 fields, some quoted (with commas
and doubled quotes inside), some empty, some with spaces.

The timing family "long_field" is one quoted field of about `size` characters, some outside
the Basic Multilingual Plane (4 bytes each in memory): building a field by repeated string
concatenation is then quadratic, and copying 4-byte characters makes that show early.
"""


def _field(rng):
    roll = rng.random()
    if roll < 0.15:
        return ""
    value = "".join(rng.choice('ab ,"') for _ in range(rng.randint(0, 5)))
    if '"' in value or "," in value or roll < 0.3:
        return '"' + value.replace('"', '""') + '"'
    return value


def generate(size, rng):
    return (",".join(_field(rng) for _ in range(size // 4 + 1)),)


def long_field(size, rng):
    value = "\U0001f600" + "".join(rng.choice('ab ,"\U0001f600') for _ in range(size))
    return ('"' + value.replace('"', '""') + '",x',)


FAMILIES = {"long_field": long_field}
