"""Any OpenAI-compatible server (TGI, LM Studio, OpenRouter, a gateway) at a configured URL."""

from __future__ import annotations

from codeeval.providers._openai_compat import OpenAICompatProvider


class OpenAICompatibleProvider(OpenAICompatProvider):
    """Needs a base URL (option, named endpoint or OPENAI_COMPATIBLE_BASE_URL); key optional."""

    api_key_env = "OPENAI_COMPATIBLE_API_KEY"
    api_key_optional = True
    base_url_env = "OPENAI_COMPATIBLE_BASE_URL"
    requires_base_url = True
    vendor = "OpenAI-compatible server"


PROVIDER = OpenAICompatibleProvider
