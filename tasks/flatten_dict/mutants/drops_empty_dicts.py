# Mutant: an empty nested dictionary disappears instead of staying a leaf
"""Reference solution: a depth-first walk that carries the dotted path prefix."""


def flatten_dict(data: dict) -> dict:
    """Return {dotted path: leaf} for every leaf of the nested dictionary data."""
    flat: dict = {}
    _flatten(data, "", flat)
    return flat


def _flatten(data: dict, prefix: str, flat: dict) -> None:
    for key, value in data.items():
        path = prefix + key
        if isinstance(value, dict):
            _flatten(value, path + ".", flat)
        else:
            flat[path] = value  # a non-dict value, or an empty dict kept as a leaf
