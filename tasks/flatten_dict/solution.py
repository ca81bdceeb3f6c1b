"""Reference solution: a depth-first walk carrying the dotted path prefix."""


def flatten_dict(data: dict) -> dict:
    """Return {dotted path: leaf} for every leaf of the nested dict data."""
    flat: dict = {}
    _flatten(data, "", flat)
    return flat


def _flatten(data: dict, prefix: str, flat: dict) -> None:
    for key, value in data.items():
        path = prefix + key
        if isinstance(value, dict) and value:
            _flatten(value, path + ".", flat)
        else:
            # A non-dict value, or an empty dict kept as a leaf.
            flat[path] = value
