"""DeepSeek's hosted API (OpenAI-compatible): deepseek-chat and deepseek-reasoner."""

from __future__ import annotations

from typing import ClassVar

from codeeval.providers._openai_compat import OpenAICompatProvider


class DeepSeekProvider(OpenAICompatProvider):
    """DeepSeek through the `openai` SDK at DeepSeek's base URL."""

    api_key_env: ClassVar[str | None] = "DEEPSEEK_API_KEY"
    base_url_env: ClassVar[str | None] = "DEEPSEEK_BASE_URL"
    default_base_url: ClassVar[str | None] = "https://api.deepseek.com/v1"
    max_concurrency: ClassVar[int] = 8
    vendor: ClassVar[str] = "DeepSeek"
    default_model: ClassVar[str | None] = "deepseek-chat"


PROVIDER = DeepSeekProvider
