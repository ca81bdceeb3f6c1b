"""Database URLs: what `--db` accepts, the driver each uses, and how one is shown.

`--db` takes a file path (SQLite) or a SQLAlchemy URL. `postgresql://` and `postgres://` use
psycopg 3 (`pip install 'codeeval[postgres]'`), whatever SQLAlchemy's own default is;
`postgresql+DRIVER://` picks another driver. A URL's password is a secret: everything that
shows or keeps a URL (messages, the stored run, reports) takes it from `masked`, which writes
`***` in its place. SQLAlchemy is imported only when a URL has to be parsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

MASK = "***"
# scheme://user:password@, the password running to the last `@`
_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/?#@\s]*:)[^\s]*@")
_POSTGRES_SCHEMES = ("postgresql", "postgres")
POSTGRES_DRIVER = "psycopg"


def is_url(db: str) -> bool:
    """Whether `db` is a URL rather than a file path."""
    return "://" in db


def parse(db: str) -> URL:
    """The SQLAlchemy URL for a `--db` URL, with the PostgreSQL driver made explicit.

    Raises:
        ValueError: SQLAlchemy cannot parse it (the message never holds the password).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(db)
        url.port  # noqa: B018  (a port that is not a number fails here, not at connect)
    except (ArgumentError, ValueError):
        raise ValueError(
            f"{masked(db)}: not a database URL; pass a file path or a URL such as "
            "postgresql://USER@HOST/DATABASE or sqlite:///PATH"
        ) from None
    if url.drivername in _POSTGRES_SCHEMES:
        url = url.set(drivername=f"postgresql+{POSTGRES_DRIVER}")
    return url


def sqlite_file(db: str) -> Path | None:
    """The file a `--db` value names when it is a SQLite database on disk, else None."""
    if not is_url(db):
        return Path(db).expanduser()
    try:
        url = parse(db)
    except ValueError:
        return None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):  # a URI filename: leave it to SQLite
        return None
    return Path(url.database).expanduser()


def masked(text: str) -> str:
    """`text` with the password of the URL it holds replaced by `***` (other text unchanged).

    Everything between the user's `:` and the last `@` is hidden, by plain text work rather
    than by parsing: a password may hold `/` or `@` unescaped, which a URL parser would split
    at the first `@` and so show the rest of it.
    """
    if not is_url(text):
        return text
    return _USERINFO.sub(rf"\g<head>{MASK}@", text)


def mask_passwords(value: Any) -> Any:
    """A JSON-ready value with `masked` applied to every string in it."""
    if isinstance(value, str):
        return masked(value)
    if isinstance(value, Mapping):
        return {key: mask_passwords(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_passwords(item) for item in value]
    return value


def restore_passwords(stored: Any, current: Any) -> Any:
    """`stored` with each masked URL put back from `current` where it holds the same URL.

    A resumed run is defined by its stored (masked) config; its endpoints are reached with
    the passwords the current config gives for the very same URLs.
    """
    if isinstance(stored, str):
        same = isinstance(current, str) and MASK in stored and masked(current) == stored
        return current if same else stored
    if isinstance(stored, Mapping) and isinstance(current, Mapping):
        return {key: restore_passwords(item, current.get(key)) for key, item in stored.items()}
    if isinstance(stored, list) and isinstance(current, list) and len(stored) == len(current):
        return [restore_passwords(item, other) for item, other in zip(stored, current, strict=True)]
    return stored


def scrub(message: str, db: str) -> str:
    """A driver's message about `db` with its password (and the URL itself) masked."""
    message = message.replace(db, masked(db))
    password = _password(db)
    if password and len(password) >= 4:  # shorter ones would mask ordinary words
        message = message.replace(password, MASK)
    return message


def _password(db: str) -> str | None:
    if not is_url(db):
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(db).password
    except (ArgumentError, ValueError):
        match = re.search(r"://[^:/?#@\s]*:([^\s]*)@", db)
        return match.group(1) if match else None
