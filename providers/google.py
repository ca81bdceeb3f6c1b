"""Google's Gemini API through the `google-genai` SDK, streamed."""

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

_DELAY = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def retry_delay_s(details: Any) -> float | None:
    """Seconds from a `google.rpc.RetryInfo` detail (`"retryDelay": "7s"`) of an error body."""
    error = details.get("error", details) if isinstance(details, dict) else None
    items = error.get("details") if isinstance(error, dict) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("RetryInfo"):
            match = _DELAY.match(str(item.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


class GoogleProvider:
    """Gemini models; `thinking_budget` caps (or with 0 turns off) thinking where supported."""

    api_key_env: ClassVar[str | None] = "GEMINI_API_KEY"
    base_url_env: ClassVar[str | None] = "GOOGLE_GEMINI_BASE_URL"
    default_base_url: ClassVar[str | None] = "https://generativelanguage.googleapis.com"
    max_concurrency: ClassVar[int] = 8
    sdk_module: ClassVar[str | None] = "google.genai"
    default_model: ClassVar[str | None] = "gemini-2.5-flash"
    extra: ClassVar[str | None] = None

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key_env: str | None = None,
        thinking_budget: int | None = None,
        timeout_s: float = 600.0,
        max_concurrency: int | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise BadConfig(f"google: timeout_s: {timeout_s}; use a positive number")
        self.model = model
        self._genai = import_sdk("google.genai", package="google-genai")
        self._types = import_sdk("google.genai.types", package="google-genai")
        self._errors = import_sdk("google.genai.errors", package="google-genai")
        self._key_env = api_key_env or "GEMINI_API_KEY"
        self._key = os.environ.get(self._key_env, "").strip()
        if not self._key:
            raise MissingApiKey(self._key_env, model)
        self.base_url = (
            base_url
            or os.environ.get("GOOGLE_GEMINI_BASE_URL", "").strip()
            or self.default_base_url
        )
        self._thinking_budget = thinking_budget
        self._timeout_s = timeout_s
        if max_concurrency is not None:
            self.max_concurrency = max_concurrency  # type: ignore[misc]
        self._where = f"Gemini API at {display_url(str(self.base_url))}"
        options = self._types.HttpOptions(
            base_url=self.base_url,
            timeout=int(timeout_s * 1000),  # milliseconds
            retry_options=self._types.HttpRetryOptions(attempts=1),  # the runner retries
        )
        self._client = self._genai.Client(api_key=self._key, http_options=options)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _config(self, request: GenerationRequest) -> Any:
        fields: dict[str, Any] = {
            "temperature": request.temperature,
            "max_output_tokens": request.max_tokens,
            "candidate_count": 1,
        }
        if request.top_p is not None:
            fields["top_p"] = request.top_p
        if request.seed is not None:
            fields["seed"] = request.seed
        if request.stop:
            fields["stop_sequences"] = list(request.stop)
        if request.system:
            fields["system_instruction"] = request.system
        if self._thinking_budget is not None:
            fields["thinking_config"] = self._types.ThinkingConfig(
                thinking_budget=self._thinking_budget
            )
        return self._types.GenerateContentConfig(**fields)

    def generate(self, request: GenerationRequest) -> Generation:
        """Send `request` once through streamGenerateContent.

        Raises:
            RateLimited: HTTP 429, with RetryInfo's delay or the Retry-After header.
            TransientProviderError: 5xx, timeouts, lost connections, malformed answers.
            ProviderError: any other refusal (bad request, key, unknown model, blocked prompt).
        """
        watch = Stopwatch()
        try:
            stream = self._client.models.generate_content_stream(
                model=self.model, contents=request.prompt, config=self._config(request)
            )
            return self._read(stream, watch)
        except (self._errors.APIError, ValueError, *transport_errors()) as exc:
            error = self._translate(exc)
        raise error  # outside the except block: the SDK error (and its key) is not chained

    def _read(self, stream: Any, watch: Stopwatch) -> Generation:
        parts: list[str] = []
        last: Any = None
        finish: str | None = None
        for chunk in stream:
            last = chunk
            for candidate in chunk.candidates or []:
                for part in (candidate.content.parts if candidate.content else None) or []:
                    if part.text and not part.thought:
                        watch.token()
                        parts.append(part.text)
                if candidate.finish_reason:
                    finish = str(getattr(candidate.finish_reason, "value", candidate.finish_reason))
        if last is None or finish is None:
            blocked = getattr(getattr(last, "prompt_feedback", None), "block_reason", None)
            if blocked:
                raise ProviderError(f"{self._where}: prompt blocked ({blocked})")
            raise TransientProviderError(
                f"{self._where}: the stream ended before the answer was complete"
            )
        usage = last.usage_metadata
        output = None
        if usage is not None and usage.candidates_token_count is not None:
            # Thinking tokens are generated and billed as output.
            output = usage.candidates_token_count + (usage.thoughts_token_count or 0)
        raw = last.model_dump(mode="json", exclude_none=True, exclude={"sdk_http_response"})
        raw.pop("candidates", None)
        raw["finish_reason"] = finish
        return Generation(
            text="".join(parts),
            input_tokens=getattr(usage, "prompt_token_count", None),
            output_tokens=output,
            finish_reason=finish,
            raw=raw,
            latency_s=watch.elapsed_s(),
            first_token_s=watch.first_token_s,
            served_model=last.model_version,
        )

    def _translate(self, exc: Exception) -> ProviderError:
        if isinstance(exc, self._errors.APIError):
            return self._translate_status(exc)
        if isinstance(exc, transport_errors()):
            name = type(exc).__name__
            if "Timeout" in name:
                return TransientProviderError(
                    f"{self._where}: no answer within {self._timeout_s:g}s (timeout_s)"
                )
            if "Connect" in name:
                return TransientProviderError(
                    redact(
                        f"{self._where}: connection failed ({describe(exc)}); check that the "
                        "server is up and base_url (or GOOGLE_GEMINI_BASE_URL) is right",
                        self._key,
                    )
                )
            return TransientProviderError(
                redact(f"{self._where}: connection lost ({describe(exc)})", self._key)
            )
        return TransientProviderError(
            redact(f"{self._where}: malformed answer ({describe(exc)})", self._key)
        )

    def _translate_status(self, exc: Any) -> ProviderError:
        code = int(exc.code or 0)
        detail = redact(f"{exc.status}: {exc.message}", self._key)
        if code in (401, 403) or exc.status == "PERMISSION_DENIED":
            return ProviderError(
                f"{self._where}: authentication failed (HTTP {code}); check that "
                f"{self._key_env} holds a valid key with access to {self.model}"
            )
        if code == 429:
            headers = getattr(exc.response, "headers", None)
            wait = retry_after_from_headers(headers) or retry_delay_s(exc.details)
            return RateLimited(f"{self._where}: rate limited (HTTP 429): {detail}", wait)
        if code >= 500 or code == 408:
            return TransientProviderError(f"{self._where}: server error (HTTP {code}): {detail}")
        return ProviderError(f"{self._where}: HTTP {code}: {detail}")


PROVIDER = GoogleProvider
