"""A vLLM server's OpenAI-compatible API (default http://localhost:8000/v1)."""

from __future__ import annotations

from typing import ClassVar

from codeeval.providers._openai_compat import OpenAICompatProvider


class VLLMProvider(OpenAICompatProvider):
    """vLLM batches on the server, so many requests may be in flight at once."""

    api_key_env: ClassVar[str | None] = "VLLM_API_KEY"
    api_key_optional: ClassVar[bool] = True
    base_url_env: ClassVar[str | None] = "VLLM_BASE_URL"
    default_base_url: ClassVar[str | None] = "http://localhost:8000/v1"
    max_concurrency: ClassVar[int] = 32
    vendor: ClassVar[str] = "vLLM"


PROVIDER = VLLMProvider
