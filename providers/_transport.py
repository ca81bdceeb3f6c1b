"""The HTTP libraries' own errors, which some SDKs let escape while a stream is read."""

from __future__ import annotations

import importlib
from functools import cache


@cache
def transport_errors() -> tuple[type[Exception], ...]:
    """`HTTPError` of httpx2 and httpx, whichever the installed SDKs brought."""
    found: list[type[Exception]] = []
    for name in ("httpx2", "httpx"):
        try:
            found.append(importlib.import_module(name).HTTPError)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def describe(exc: BaseException) -> str:
    """`Type: message` of an exception, for one-line error messages."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
