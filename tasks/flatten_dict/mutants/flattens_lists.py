# Mutant: list items are flattened as path.index
"""Reference solution: a depth-first walk that carries the dotted path prefix."""


def flatten_dict(data: dict) -> dict:
    """Return {dotted path: leaf} for every leaf of the nested dictionary data."""
    flat: dict = {}
    _flatten(data, "", flat)
    return flat


def _flatten(data: dict, prefix: str, flat: dict) -> None:
    for key, value in data.items():
        path = prefix + key
        if isinstance(value, dict) and value:
            _flatten(value, path + ".", flat)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                flat[f"{path}.{index}"] = item
        else:
            flat[path] = value  # a non-dict value, or an empty dict kept as a leaf
