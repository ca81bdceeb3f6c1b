"""Anthropic's Messages API (Claude) through the `anthropic` SDK, streamed."""

from __future__ import annotations

import os
import re
from typing import Any, ClassVar

from codeeval.errors import (
    BadConfig,
    MissingApiKey,
    ProviderError,
    RateLimited,
    TransientProviderError,
)
from codeeval.provider import (
    Stopwatch,
    display_url,
    import_sdk,
    redact,
    retry_after_from_headers,
)
from codeeval.providers._transport import describe, transport_errors
from codeeval.types import Generation, GenerationRequest

# Models that still take temperature and top_p: Claude 2 and 3, and Claude 4 up to 4.6.
# Opus 4.7 and later answer 400 "`temperature` is deprecated for this model".
_SAMPLING_MODELS = re.compile(
    r"^claude-(?:[23]|instant)|^claude-(?:opus|sonnet|haiku)-4(?:-[0-6])?(?:-\d{8}|-latest)?$"
)
_TRANSIENT_STREAM_ERRORS = ("overloaded_error", "api_error", "timeout_error")


class AnthropicProvider:
    """Claude through the Messages API; `thinking` turns on adaptive or budgeted thinking."""

    api_key_env: ClassVar[str | None] = "ANTHROPIC_API_KEY"
    base_url_env: ClassVar[str | None] = "ANTHROPIC_BASE_URL"
    default_base_url: ClassVar[str | None] = "https://api.anthropic.com"
    max_concurrency: ClassVar[int] = 8
    sdk_module: ClassVar[str | None] = "anthropic"
    default_model: ClassVar[str | None] = "claude-sonnet-4-6"
    extra: ClassVar[str | None] = None

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key_env: str | None = None,
        sampling: bool | None = None,
        thinking: str | int | None = None,
        timeout_s: float = 600.0,
        max_concurrency: int | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise BadConfig(f"anthropic: timeout_s: {timeout_s}; use a positive number")
        self.model = model
        self._sdk = import_sdk("anthropic")
        self._key_env = api_key_env or "ANTHROPIC_API_KEY"
        self._key = os.environ.get(self._key_env, "").strip()
        if not self._key:
            raise MissingApiKey(self._key_env, model)
        self.base_url = (
            base_url or os.environ.get("ANTHROPIC_BASE_URL", "").strip() or self.default_base_url
        )
        self._sampling = bool(_SAMPLING_MODELS.match(model)) if sampling is None else sampling
        self._thinking = self._thinking_config(thinking)
        self._timeout_s = timeout_s
        if max_concurrency is not None:
            self.max_concurrency = max_concurrency  # type: ignore[misc]
        self._where = f"Anthropic at {display_url(str(self.base_url))}"
        self._client = self._sdk.Anthropic(
            api_key=self._key, base_url=self.base_url, max_retries=0, timeout=timeout_s
        )

    @staticmethod
    def _thinking_config(thinking: str | int | None) -> dict[str, Any] | None:
        if thinking in (None, "off", "none"):
            return None
        if thinking == "adaptive":
            return {"type": "adaptive"}
        if isinstance(thinking, int) and not isinstance(thinking, bool) and thinking >= 1024:
            return {"type": "enabled", "budget_tokens": thinking}
        raise BadConfig(
            f'anthropic: thinking: {thinking!r}; use "adaptive", "off" or a token budget >= 1024'
        )

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _params(self, request: GenerationRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "messages": [{"role": "user", "content": request.prompt}],
            "stream": True,
        }
        if request.system:
            params["system"] = request.system
        if request.stop:
            params["stop_sequences"] = list(request.stop)
        if self._thinking:
            params["thinking"] = self._thinking
        elif self._sampling:
            # The SDK no longer declares these; the API still takes them for older models.
            sampling: dict[str, float] = {"temperature": request.temperature}
            if request.top_p is not None:
                sampling["top_p"] = request.top_p
            params["extra_body"] = sampling
        return params

    def generate(self, request: GenerationRequest) -> Generation:
        """Send `request` once as a streamed Messages call (Anthropic has no seed parameter).

        Raises:
            RateLimited: HTTP 429, with the server's Retry-After.
            TransientProviderError: 5xx, 529 overloaded, timeouts, lost connections, malformed
                answers.
            ProviderError: any other refusal (bad request, authentication, unknown model).
        """
        watch = Stopwatch()
        try:
            return self._read(self._client.messages.create(**self._params(request)), watch)
        except (self._sdk.AnthropicError, ValueError, *transport_errors()) as exc:
            error = self._translate(exc)
        raise error  # outside the except block: the SDK error (and its key) is not chained

    def _read(self, stream: Any, watch: Stopwatch) -> Generation:
        parts: list[str] = []
        start: Any = None
        stop_reason: str | None = None
        usage: dict[str, Any] = {}
        for event in stream:
            if event.type == "message_start":
                start = event.message
                usage.update(start.usage.model_dump(mode="json", exclude_none=True))
            elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                watch.token()
                parts.append(event.delta.text)
            elif event.type == "message_delta":
                stop_reason = event.delta.stop_reason
                usage.update(event.usage.model_dump(mode="json", exclude_none=True))
        if start is None or stop_reason is None:
            raise TransientProviderError(
                f"{self._where}: the stream ended before the message was complete"
            )
        raw = start.model_dump(mode="json", exclude={"content"})
        raw.update(stop_reason=stop_reason, usage=usage)
        return Generation(
            text="".join(parts),
            input_tokens=usage.get("input_tokens"),
            output_tokens=usage.get("output_tokens"),
            finish_reason=stop_reason,
            raw=raw,
            latency_s=watch.elapsed_s(),
            first_token_s=watch.first_token_s,
            served_model=start.model,
        )

    def _translate(self, exc: Exception) -> ProviderError:
        sdk = self._sdk
        if isinstance(exc, sdk.APITimeoutError):
            return TransientProviderError(
                f"{self._where}: no answer within {self._timeout_s:g}s (timeout_s)"
            )
        if isinstance(exc, sdk.APIConnectionError):
            cause = exc.__cause__ or exc.__context__
            why = f"{type(cause).__name__}: {cause}" if cause else str(exc)
            return TransientProviderError(
                redact(
                    f"{self._where}: connection failed ({why}); check that the server is up "
                    "and base_url (or ANTHROPIC_BASE_URL) is right",
                    self._key,
                )
            )
        if isinstance(exc, sdk.APIStatusError):
            return self._translate_status(exc)
        if isinstance(exc, transport_errors()):
            return TransientProviderError(
                redact(f"{self._where}: connection lost ({describe(exc)})", self._key)
            )
        if isinstance(exc, sdk.APIError | ValueError):
            return TransientProviderError(
                redact(f"{self._where}: malformed answer ({type(exc).__name__}: {exc})", self._key)
            )
        return ProviderError(redact(f"{self._where}: {type(exc).__name__}: {exc}", self._key))

    def _translate_status(self, exc: Any) -> ProviderError:
        status = exc.status_code
        body: dict[str, Any] = exc.body if isinstance(exc.body, dict) else {}
        found = body.get("error")
        error: dict[str, Any] = found if isinstance(found, dict) else {}
        kind = str(error.get("type") or "")
        detail = redact(str(error.get("message") or exc.message), self._key)
        if status in (401, 403):
            return ProviderError(
                f"{self._where}: authentication failed (HTTP {status}); check that "
                f"{self._key_env} holds a valid key with access to {self.model}"
            )
        if status == 429:
            return RateLimited(
                f"{self._where}: rate limited (HTTP 429): {detail}",
                retry_after=retry_after_from_headers(exc.response.headers),
            )
        if status >= 500 or status in (408, 409):
            return TransientProviderError(
                f"{self._where}: {kind or 'server error'} (HTTP {status}): {detail}"
            )
        if status == 200:  # an error event inside the stream
            message = f"{self._where}: error in the stream ({kind or 'unknown'}): {detail}"
            if kind in _TRANSIENT_STREAM_ERRORS or not kind:
                return TransientProviderError(message)
            return ProviderError(message)
        return ProviderError(f"{self._where}: HTTP {status}: {kind}: {detail}")


PROVIDER = AnthropicProvider
