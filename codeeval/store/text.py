r"""Text made storable: the characters no database can hold are written as their escapes.

Model output is hostile input. A lone surrogate (`'\ud800'`, which Python strings can hold but
UTF-8 cannot encode) fails every driver, and PostgreSQL's text type refuses NUL (`'\x00'`). Such
characters are stored as the escape Python's `repr` shows for them (`\ud800`, `\x00`), the same
on every backend, so a run never crashes on them and what is read back encodes as UTF-8 and
displays as it was. Other text, including a backslash sequence the model wrote itself, is stored
as it is; the escaping therefore cannot be undone, and need not be: it only names the character.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code == 0 else f"\\u{code:04x}"


def storable(text: str) -> str:
    r"""`text` with each lone surrogate and NUL replaced by its escape (`\ud800`, `\x00`)."""
    return _UNSTORABLE.sub(_escape, text)


def storable_value(value: Any) -> Any:
    """A JSON-ready value with `storable` applied to every string in it, keys included."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, Mapping):
        return {storable_value(key): storable_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [storable_value(item) for item in value]
    return value
