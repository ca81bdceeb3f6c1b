"""Input generator: a well-formed line of about size / 4 + 1 fields, some quoted (with commas
and doubled quotes inside), some empty, some with spaces."""


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
