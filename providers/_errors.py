"""One mapping from failed HTTP calls to RateLimited, TransientProviderError or ProviderError.

Every HTTP provider reads its SDK's exception (status, message, headers, vendor error type) and
hands the pieces to `HttpErrors`, so that a status means the same for every vendor:

- `RateLimited` (the runner waits, at least the Retry-After, and retries): 429, except OpenAI's
  `insufficient_quota`; a rate-limit error inside a 200 stream.
- `TransientProviderError` (the runner retries): 408, 409, 5xx (529 included); an overload or
  server error inside a 200 stream; a timeout; a connection refused, reset or closed early; a
  malformed answer; a stream that ends before its finish marker.
- `ProviderError` (recorded as the sample's generation error): 401 and 403 (the message names
  the key variable), every other 4xx, any other error inside a 200 stream.

Messages are one line, start with `Vendor at URL:`, hold at most `MAX_DETAIL_CHARS` of what the
server said, and never the key (`redact`). Raise them outside the `except` block that caught
the SDK's exception: that exception's request carries the key in its headers, and must be
neither the cause nor the context of what the runner stores.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import cache

from codeeval.errors import ProviderError, RateLimited, TransientProviderError
from codeeval.provider import BaseProvider, redact, retry_after_from_headers

# The SDKs retry these too (Stainless-generated SDKs: 408, 409, 429, >= 500).
_TRANSIENT_STATUS_LABELS = {408: "request timeout", 409: "conflict", 529: "overloaded"}
# A 429 that waiting does not cure.
_PERMANENT_429_CODES = frozenset({"insufficient_quota"})
# Error types sent inside a 200 stream that may pass, as OpenAI, Anthropic, Gemini and
# OpenAI-compatible servers spell them (empty: the server did not say).
_TRANSIENT_STREAM_KINDS = frozenset(
    {
        "",
        "server_error",
        "api_error",
        "internal_error",
        "overloaded_error",
        "timeout_error",
        "INTERNAL",
        "UNAVAILABLE",
        "DEADLINE_EXCEEDED",
    }
)
_RATE_LIMIT_STREAM_KINDS = frozenset({"rate_limit_exceeded", "rate_limit_error"})
MAX_DETAIL_CHARS = 300

# What reading an answer raises when it is JSON, but not in the API's shape (`"choices": null`,
# a delta that is a number): a hostile or broken server must cost one sample an error, never
# the run. Catch these beside the SDK's errors and pass them to `HttpErrors.malformed`.
MALFORMED_ANSWER_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    AttributeError,
    KeyError,
    IndexError,
)


@cache
def _httpx_classes(name: str) -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = []
    for module in ("httpx2", "httpx"):
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def transport_errors() -> tuple[type[BaseException], ...]:
    """`HTTPError` of httpx2 and httpx, whichever the installed SDKs brought.

    Some SDKs (google-genai) let these escape while a stream is read; catch them beside the
    SDK's own errors.
    """
    return _httpx_classes("HTTPError")


def describe(exc: BaseException) -> str:
    """`Type: message` of an exception, for one-line error messages."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not e for e in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def one_line(text: str, limit: int = MAX_DETAIL_CHARS) -> str:
    """`text` on one line (whitespace runs collapsed), cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else f"{flat[: limit - 1]}…"


class HttpErrors:
    """Builds the exception for each way one provider's HTTP calls fail."""

    def __init__(self, provider: BaseProvider, timeout_s: float) -> None:
        self._provider = provider
        self._timeout_s = timeout_s

    def _say(self, text: str) -> str:
        return redact(f"{self._provider.where}: {text}", self._provider.api_key)

    def _detail(self, kind: str, detail: str) -> str:
        text = one_line(f"{kind}: {detail}" if kind and detail else kind or detail)
        return redact(text, self._provider.api_key) or "no detail"

    def status(
        self,
        status: int,
        detail: str,
        headers: Mapping[str, str] | None = None,
        *,
        kind: str = "",
        code: str = "",
        retry_after: float | None = None,
    ) -> ProviderError:
        """The exception for an HTTP error status.

        Args:
            status: the HTTP status code (an error sent inside a 200 stream with its own
                code, as Gemini does, passes that code).
            detail: the server's message.
            headers: the response headers (for Retry-After and retry-after-ms).
            kind: the vendor's error type (`overloaded_error`, `UNAVAILABLE`), shown.
            code: the vendor's error code (`insufficient_quota`), which may change the verdict.
            retry_after: a wait the vendor gave elsewhere (Gemini's RetryInfo), used when the
                headers give none.
        """
        said = self._detail(kind, detail)
        if status in (401, 403):
            provider = self._provider
            check = (
                f"check that {provider.key_env} holds a valid key with access to {provider.model}"
                if provider.key_env
                else "check the server's credentials"
            )
            return ProviderError(
                self._say(f"authentication failed (HTTP {status}); {check}: {said}")
            )
        if status == 429 and code in _PERMANENT_429_CODES:
            return ProviderError(self._say(f"quota exhausted (HTTP 429): {said}"))
        if status == 429:
            wait = retry_after_from_headers(headers)
            return RateLimited(
                self._say(f"rate limited (HTTP 429): {said}"),
                retry_after=wait if wait is not None else retry_after,
            )
        if status >= 500 or status in _TRANSIENT_STATUS_LABELS:
            label = _TRANSIENT_STATUS_LABELS.get(status, "server error")
            return TransientProviderError(self._say(f"{label} (HTTP {status}): {said}"))
        return ProviderError(self._say(f"HTTP {status}: {said}"))

    def in_stream(self, kind: str, detail: str) -> ProviderError:
        """The exception for an error object sent inside a 200 stream, by its error type."""
        message = self._say(f"error in the stream ({self._detail(kind, detail)})")
        if kind in _RATE_LIMIT_STREAM_KINDS:
            return RateLimited(message)
        if kind in _TRANSIENT_STREAM_KINDS or "overloaded" in kind:
            return TransientProviderError(message)
        return ProviderError(message)

    def transport(self, exc: BaseException) -> TransientProviderError:
        """The exception for a timeout, or a connection refused, reset or closed early.

        `exc` is the SDK's wrapper (its cause chain is searched) or the HTTP library's error.
        """
        chain = _chain(exc)
        if any("Timeout" in type(e).__name__ for e in chain):
            return TransientProviderError(
                self._say(f"no answer within {self._timeout_s:g}s (timeout_s)")
            )
        transport = [e for e in chain if isinstance(e, _httpx_classes("HTTPError"))]
        root = transport[0] if transport else chain[-1]
        if any(
            isinstance(e, (*_httpx_classes("ConnectError"), ConnectionRefusedError)) for e in chain
        ):
            variable = self._provider.base_url_env
            where = f"base_url (or {variable})" if variable else "base_url"
            return TransientProviderError(
                self._say(
                    f"connection failed ({one_line(describe(root))}); check that the server is "
                    f"up and {where} is right"
                )
            )
        return TransientProviderError(self._say(f"connection lost ({one_line(describe(root))})"))

    def malformed(self, exc: BaseException) -> TransientProviderError:
        """The exception for an answer that could not be read (bad JSON, wrong shape)."""
        return TransientProviderError(self._say(f"malformed answer ({one_line(describe(exc))})"))

    def incomplete(self, what: str = "answer") -> TransientProviderError:
        """The exception for a stream that ended before the vendor's finish marker."""
        return TransientProviderError(self._say(f"the stream ended before the {what} was complete"))
