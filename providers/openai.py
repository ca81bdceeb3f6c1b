"""OpenAI's hosted API: GPT-4 family and later, and the reasoning models (o1/o3/o4/gpt-5)."""

from __future__ import annotations

from typing import ClassVar

from codeeval.providers._openai_compat import OpenAICompatProvider


class OpenAIProvider(OpenAICompatProvider):
    """OpenAI through the `openai` SDK; `api="auto"` uses the Responses API where needed."""

    api_key_env: ClassVar[str | None] = "OPENAI_API_KEY"
    base_url_env: ClassVar[str | None] = "OPENAI_BASE_URL"
    default_base_url: ClassVar[str | None] = "https://api.openai.com/v1"
    max_concurrency: ClassVar[int] = 8
    vendor: ClassVar[str] = "OpenAI"
    default_model: ClassVar[str | None] = "gpt-4o"
    auto_responses: ClassVar[bool] = True
    token_limit_param: ClassVar[str] = "max_completion_tokens"


PROVIDER = OpenAIProvider
