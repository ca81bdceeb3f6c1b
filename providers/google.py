"""Google's Gemini API through the `google-genai` SDK, streamed."""

from __future__ import annotations

import re
from typing import Any

from codeeval.errors import BadConfig, ProviderError
from codeeval.provider import BaseProvider, Stopwatch, import_sdk
from codeeval.providers._errors import MALFORMED_ANSWER_ERRORS, HttpErrors, transport_errors
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


class GoogleProvider(BaseProvider):
    """Gemini models; `thinking_budget` caps (or with 0 turns off) thinking where supported."""

    api_key_env = "GEMINI_API_KEY"
    base_url_env = "GOOGLE_GEMINI_BASE_URL"
    default_base_url = "https://generativelanguage.googleapis.com"
    default_model = "gemini-2.5-flash"
    sdk_module = "google.genai"
    vendor = "Gemini API"

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
        super().__init__(model, base_url=base_url, api_key_env=api_key_env)
        self._genai = import_sdk("google.genai", package="google-genai")
        self._types = import_sdk("google.genai.types", package="google-genai")
        self._sdk_errors = import_sdk("google.genai.errors", package="google-genai")
        self._thinking_budget = thinking_budget
        if max_concurrency is not None:
            self.max_concurrency = max_concurrency
        self._errors = HttpErrors(self, timeout_s)
        options = self._types.HttpOptions(
            base_url=self.base_url,
            timeout=int(timeout_s * 1000),  # milliseconds
            retry_options=self._types.HttpRetryOptions(attempts=1),  # the runner retries
        )
        self._client = self._genai.Client(api_key=self.api_key, http_options=options)

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
        except (self._sdk_errors.APIError, *MALFORMED_ANSWER_ERRORS, *transport_errors()) as exc:
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
                raise ProviderError(f"{self.where}: prompt blocked ({blocked})")
            raise self._errors.incomplete()
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

    def _translate(self, exc: BaseException) -> ProviderError:
        if isinstance(exc, self._sdk_errors.APIError):
            kind, detail = str(exc.status or ""), str(exc.message or "")
            code = exc.code
            if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
                return self._errors.in_stream(kind, detail)  # an error object with no status
            # Errors sent inside a 200 stream carry their own code, so one mapping serves both.
            return self._errors.status(
                code,
                detail,
                getattr(exc.response, "headers", None),
                kind=kind,
                retry_after=retry_delay_s(exc.details),
            )
        if isinstance(exc, transport_errors()):
            return self._errors.transport(exc)
        return self._errors.malformed(exc)


PROVIDER = GoogleProvider
