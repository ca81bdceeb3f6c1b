"""Anthropic's Messages API (Claude) through the `anthropic` SDK, streamed."""

from __future__ import annotations

import re
from typing import Any

from codeeval.errors import BadConfig, ProviderError
from codeeval.provider import BaseProvider, Stopwatch, import_sdk
from codeeval.providers._errors import MALFORMED_ANSWER_ERRORS, HttpErrors, transport_errors
from codeeval.types import Generation, GenerationRequest

# Models that still take temperature and top_p: Claude 2 and 3, and Claude 4 up to 4.6.
# Opus 4.7 and later answer 400 "`temperature` is deprecated for this model".
_SAMPLING_MODELS = re.compile(
    r"^claude-(?:[23]|instant)|^claude-(?:opus|sonnet|haiku)-4(?:-[0-6])?(?:-\d{8}|-latest)?$"
)


class AnthropicProvider(BaseProvider):
    """Claude through the Messages API; `thinking` turns on adaptive or budgeted thinking."""

    api_key_env = "ANTHROPIC_API_KEY"
    base_url_env = "ANTHROPIC_BASE_URL"
    default_base_url = "https://api.anthropic.com"
    default_model = "claude-sonnet-4-6"
    sdk_module = "anthropic"
    vendor = "Anthropic"

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
        super().__init__(model, base_url=base_url, api_key_env=api_key_env)
        self._sdk = import_sdk("anthropic")
        self._sampling = bool(_SAMPLING_MODELS.match(model)) if sampling is None else sampling
        self._thinking = self._thinking_config(thinking)
        if max_concurrency is not None:
            self.max_concurrency = max_concurrency
        self._errors = HttpErrors(self, timeout_s)
        self._client = self._sdk.Anthropic(
            api_key=self.api_key, base_url=self.base_url, max_retries=0, timeout=timeout_s
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
        except (self._sdk.AnthropicError, *MALFORMED_ANSWER_ERRORS, *transport_errors()) as exc:
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
            raise self._errors.incomplete("message")
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

    def _translate(self, exc: BaseException) -> ProviderError:
        sdk = self._sdk
        if isinstance(exc, sdk.APIStatusError):
            body: dict[str, Any] = exc.body if isinstance(exc.body, dict) else {}
            found = body.get("error")
            error: dict[str, Any] = found if isinstance(found, dict) else {}
            kind = str(error.get("type") or "")
            detail = str(error.get("message") or exc.message)
            if exc.status_code == 200:  # an error event inside the stream
                return self._errors.in_stream(kind, detail)
            return self._errors.status(exc.status_code, detail, exc.response.headers, kind=kind)
        if isinstance(exc, (sdk.APIConnectionError, *transport_errors())):
            return self._errors.transport(exc)
        return self._errors.malformed(exc)


PROVIDER = AnthropicProvider
