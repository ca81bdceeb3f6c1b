"""DeepSeek's hosted API (OpenAI-compatible): deepseek-chat and deepseek-reasoner."""

from __future__ import annotations

from codeeval.providers._openai_compat import OpenAICompatProvider


class DeepSeekProvider(OpenAICompatProvider):
    """DeepSeek through the `openai` SDK at DeepSeek's base URL."""

    api_key_env = "DEEPSEEK_API_KEY"
    base_url_env = "DEEPSEEK_BASE_URL"
    default_base_url = "https://api.deepseek.com/v1"
    default_model = "deepseek-chat"
    vendor = "DeepSeek"


PROVIDER = DeepSeekProvider
