"""Shared base for every provider that speaks OpenAI's HTTP API through the `openai` SDK.

Subclasses set only class attributes (key variable, base URL and its variable, concurrency, and
the few places where servers differ): see `providers/deepseek.py`. Chat Completions, plain
Completions (`mode="completion"`) and the Responses API are streamed, so that the time to the
first token is measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any, ClassVar, Literal

from codeeval.errors import BadConfig, ProviderError
from codeeval.provider import BaseProvider, Stopwatch, check_prompt_mode, import_sdk
from codeeval.providers._errors import MALFORMED_ANSWER_ERRORS, HttpErrors, transport_errors
from codeeval.types import Generation, GenerationRequest

ApiChoice = Literal["chat", "responses", "auto"]
_APIS = ("chat", "responses", "auto")
# o1, o3-mini, o4-mini, gpt-5, gpt-5.1-codex ... but not gpt-5-chat-latest, which samples.
_REASONING = re.compile(r"^(o\d|gpt-5)(?!.*-chat)")
# Models served only by the Responses API.
_RESPONSES_ONLY = re.compile(r"^(o\d+-pro|gpt-5[.\d]*-pro)|codex|deep-research|computer-use")
_PLACEHOLDER_KEY = "unused"  # local servers ignore the key, but the SDK wants one


def truncate_at_stop(text: str, stop: Iterable[str]) -> tuple[str, bool]:
    """`text` cut before the first stop sequence, and whether one was found."""
    cuts = [index for s in stop if s and (index := text.find(s)) >= 0]
    return (text[: min(cuts)], True) if cuts else (text, False)


class OpenAICompatProvider(BaseProvider):
    """A model behind an OpenAI-compatible API (Chat Completions, Completions, Responses).

    Besides `BaseProvider`'s attributes, a subclass may set the four below, where servers
    differ from OpenAI. A base URL is always needed: without one the SDK would send the key
    to OpenAI.
    """

    sdk_module: ClassVar[str | None] = "openai"
    vendor: ClassVar[str] = "OpenAI-compatible server"

    auto_responses: ClassVar[bool] = False
    """Whether `api="auto"` may pick the Responses API for the models served only by it."""

    token_limit_param: ClassVar[str] = "max_tokens"
    """The parameter that limits output for sampling models (reasoning models always get
    `max_completion_tokens`). OpenAI deprecated `max_tokens`; most other servers know only it."""

    seed_param: ClassVar[str] = "seed"
    """The name the server gives the sampling seed (Mistral's is `random_seed`)."""

    stream_usage: ClassVar[bool] = True
    """Whether to ask for token usage in the stream (`stream_options.include_usage`); servers
    that refuse unknown fields and send usage anyway (Mistral) need False."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key_env: str | None = None,
        api: ApiChoice = "auto",
        stream: bool = True,
        reasoning: bool | None = None,
        reasoning_effort: str | None = None,
        timeout_s: float = 600.0,
        max_concurrency: int | None = None,
        extra_body: Mapping[str, Any] | None = None,
        prompt_mode: str = "chat",
    ) -> None:
        self.prompt_mode = check_prompt_mode(self.display_name, prompt_mode)
        if api not in _APIS:
            raise BadConfig(f"{self.display_name}: api: {api!r}; use one of {', '.join(_APIS)}")
        if timeout_s <= 0:
            raise BadConfig(f"{self.display_name}: timeout_s: {timeout_s}; use a positive number")
        super().__init__(model, base_url=base_url, api_key_env=api_key_env)
        if self.base_url is None:
            raise self._no_base_url()
        self._sdk: ModuleType = import_sdk("openai")
        self._stream = stream
        self._reasoning = bool(_REASONING.match(model)) if reasoning is None else reasoning
        self._reasoning_effort = reasoning_effort
        self._extra_body = dict(extra_body or {})
        self._use_responses = api == "responses" or (
            api == "auto" and self.auto_responses and bool(_RESPONSES_ONLY.search(model))
        )
        if max_concurrency is not None:
            if max_concurrency < 1:
                raise BadConfig(
                    f"{self.display_name}: max_concurrency: {max_concurrency}; use >= 1"
                )
            self.max_concurrency = max_concurrency
        self._errors = HttpErrors(self, timeout_s)
        self._client = self._sdk.OpenAI(
            api_key=self.api_key or _PLACEHOLDER_KEY,
            base_url=self.base_url,
            max_retries=0,
            timeout=timeout_s,
        )

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def generate(self, request: GenerationRequest) -> Generation:
        """Send `request` once (streamed unless `stream=false`) and return the answer.

        Raises:
            RateLimited: HTTP 429, with the server's Retry-After.
            TransientProviderError: 5xx, a timeout, a lost connection or a malformed answer.
            ProviderError: any other refusal (bad request, authentication, unknown model).
        """
        watch = Stopwatch()
        try:
            if request.mode == "completion":
                return self._complete(request, watch)
            if self._use_responses:
                return self._respond(request, watch)
            return self._chat(request, watch)
        except (self._sdk.OpenAIError, *MALFORMED_ANSWER_ERRORS, *transport_errors()) as exc:
            error = self._translate(exc)
        # Raised outside the except block, so that the SDK error (whose request carries the
        # key in its headers) is neither the cause nor the context of what we raise.
        raise error

    # --- request parameters -------------------------------------------------------------

    def _limits(self, request: GenerationRequest) -> dict[str, Any]:
        if self._reasoning:
            params: dict[str, Any] = {"max_completion_tokens": request.max_tokens}
            if self._reasoning_effort:
                params["reasoning_effort"] = self._reasoning_effort
            return params
        params = {self.token_limit_param: request.max_tokens, "temperature": request.temperature}
        if request.top_p is not None:
            params["top_p"] = request.top_p
        return params

    def _common(self, request: GenerationRequest) -> dict[str, Any]:
        params: dict[str, Any] = {"model": self.model}
        if request.stop:
            params["stop"] = list(request.stop)
        extra = dict(self._extra_body)
        if request.seed is not None and self.seed_param == "seed":
            params["seed"] = request.seed
        elif request.seed is not None:
            extra[self.seed_param] = request.seed  # the SDK takes only its own names
        if extra:
            params["extra_body"] = extra
        if self._stream:
            params["stream"] = True
            if self.stream_usage:
                params["stream_options"] = {"include_usage": True}
        return params

    def _messages(self, request: GenerationRequest) -> list[dict[str, str]]:
        messages = []
        if request.system:
            # Reasoning models take instructions as "developer" messages.
            role = "developer" if self._reasoning else "system"
            messages.append({"role": role, "content": request.system})
        messages.append({"role": "user", "content": request.prompt})
        return messages

    # --- Chat Completions and Completions ------------------------------------------------

    def _chat(self, request: GenerationRequest, watch: Stopwatch) -> Generation:
        params = {**self._common(request), **self._limits(request)}
        params["messages"] = self._messages(request)
        response = self._client.chat.completions.create(**params)
        if not self._stream:
            choice = response.choices[0]
            raw = response.model_dump(mode="json")
            return self._finish(
                choice.message.content or "", choice.finish_reason, response, raw, watch
            )
        return self._read_stream(response, watch, lambda c: c.delta.content)

    def _complete(self, request: GenerationRequest, watch: Stopwatch) -> Generation:
        params = {**self._common(request), **self._limits(request)}
        params.pop("max_completion_tokens", None)
        params["max_tokens"] = request.max_tokens
        params.pop("reasoning_effort", None)
        params["prompt"] = (
            f"{request.system}\n\n{request.prompt}" if request.system else (request.prompt)
        )
        response = self._client.completions.create(**params)
        if not self._stream:
            choice = response.choices[0]
            raw = response.model_dump(mode="json")
            return self._finish(choice.text or "", choice.finish_reason, response, raw, watch)
        return self._read_stream(response, watch, lambda c: c.text)

    def _read_stream(self, stream: Any, watch: Stopwatch, text_of: Any) -> Generation:
        parts: list[str] = []
        reasoning: list[str] = []
        finish: str | None = None
        usage: Any = None
        last: Any = None
        chunks = 0
        for chunk in stream:
            chunks += 1
            last = chunk
            if chunk.usage is not None:
                usage = chunk.usage
            for choice in chunk.choices:
                piece = text_of(choice)
                if piece:
                    watch.token()
                    parts.append(piece)
                # DeepSeek's reasoner (and vLLM's reasoning parsers) stream their thinking apart.
                thought = getattr(getattr(choice, "delta", None), "reasoning_content", None)
                if thought:
                    reasoning.append(thought)
                if choice.finish_reason:
                    finish = choice.finish_reason
        if last is None or finish is None:
            raise self._errors.incomplete(f"answer ({chunks} chunks, no finish_reason)")
        raw = {**last.model_dump(mode="json", exclude={"choices"}), "finish_reason": finish}
        raw["chunks"] = chunks
        if reasoning:
            raw["reasoning_content"] = "".join(reasoning)
        return self._finish("".join(parts), finish, last, raw, watch, usage)

    def _finish(
        self,
        text: str,
        finish: str | None,
        response: Any,
        raw: dict[str, Any],
        watch: Stopwatch,
        usage: Any = None,
    ) -> Generation:
        usage = usage if usage is not None else getattr(response, "usage", None)
        return Generation(
            text=text,
            input_tokens=getattr(usage, "prompt_tokens", None),
            output_tokens=getattr(usage, "completion_tokens", None),
            finish_reason=finish,
            raw=raw,
            latency_s=watch.elapsed_s(),
            first_token_s=watch.first_token_s,
            served_model=getattr(response, "model", None),
        )

    # --- Responses API ------------------------------------------------------------------

    def _respond(self, request: GenerationRequest, watch: Stopwatch) -> Generation:
        params: dict[str, Any] = {
            "model": self.model,
            "input": request.prompt,
            "max_output_tokens": request.max_tokens,
            "store": False,
        }
        if request.system:
            params["instructions"] = request.system
        if self._reasoning:
            if self._reasoning_effort:
                params["reasoning"] = {"effort": self._reasoning_effort}
        else:
            params["temperature"] = request.temperature
            if request.top_p is not None:
                params["top_p"] = request.top_p
        if self._extra_body:
            params["extra_body"] = self._extra_body
        if not self._stream:
            response = self._client.responses.create(**params)
            return self._responses_result(response.output_text, response, request, watch)
        parts: list[str] = []
        final: Any = None
        for event in self._client.responses.create(**params, stream=True):
            if event.type == "response.output_text.delta":
                watch.token()
                parts.append(event.delta)
            elif event.type in ("response.completed", "response.incomplete"):
                final = event.response
            elif event.type in ("response.failed", "error"):
                raise self._response_failure(event)
        if final is None:
            raise self._errors.incomplete("response")
        return self._responses_result("".join(parts), final, request, watch)

    def _response_failure(self, event: Any) -> ProviderError:
        error = getattr(getattr(event, "response", None), "error", None) or event
        code = str(getattr(error, "code", "") or "")
        return self._errors.in_stream(code, str(getattr(error, "message", "") or ""))

    def _responses_result(
        self, text: str, response: Any, request: GenerationRequest, watch: Stopwatch
    ) -> Generation:
        details = getattr(response, "incomplete_details", None)
        finish = (getattr(details, "reason", None) or "incomplete") if details else "stop"
        if response.status == "completed":
            finish = "stop"
        # The Responses API has no stop parameter: stop sequences are applied here.
        text, stopped = truncate_at_stop(text, request.stop)
        finish = "stop" if stopped else finish
        usage = response.usage
        raw = response.model_dump(mode="json", exclude={"output", "instructions"})
        return Generation(
            text=text,
            input_tokens=getattr(usage, "input_tokens", None),
            output_tokens=getattr(usage, "output_tokens", None),
            finish_reason=finish,
            raw=raw,
            latency_s=watch.elapsed_s(),
            first_token_s=watch.first_token_s,
            served_model=response.model,
        )

    # --- errors -------------------------------------------------------------------------

    def _translate(self, exc: BaseException) -> ProviderError:
        sdk = self._sdk
        if isinstance(exc, sdk.APIStatusError):
            body = exc.body if isinstance(exc.body, dict) else {}
            return self._errors.status(
                exc.status_code,
                str(body.get("message") or exc.message),
                exc.response.headers,
                code=str(exc.code or ""),
            )
        if isinstance(exc, (sdk.APIConnectionError, *transport_errors())):
            return self._errors.transport(exc)
        if isinstance(exc, sdk.APIError) and not isinstance(exc, sdk.APIResponseValidationError):
            # An error object sent inside a 200 stream.
            kind = str(getattr(exc, "type", "") or getattr(exc, "code", "") or "")
            return self._errors.in_stream(kind, str(exc.message))
        return self._errors.malformed(exc)
