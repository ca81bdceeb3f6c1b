"""A vLLM server's OpenAI-compatible API (default http://localhost:8000/v1)."""

from __future__ import annotations

from codeeval.providers._openai_compat import OpenAICompatProvider


class VLLMProvider(OpenAICompatProvider):
    """vLLM batches on the server, so many requests may be in flight at once."""

    api_key_env = "VLLM_API_KEY"
    api_key_optional = True
    base_url_env = "VLLM_BASE_URL"
    default_base_url = "http://localhost:8000/v1"
    vendor = "vLLM"
    max_concurrency = 32


PROVIDER = VLLMProvider
