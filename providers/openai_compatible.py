"""Any OpenAI-compatible server (TGI, LM Studio, OpenRouter, a gateway) at a configured URL."""

from __future__ import annotations

from typing import ClassVar

from codeeval.providers._openai_compat import OpenAICompatProvider


class OpenAICompatibleProvider(OpenAICompatProvider):
    """Needs a base URL (option, named endpoint or OPENAI_COMPATIBLE_BASE_URL); key optional."""

    api_key_env: ClassVar[str | None] = "OPENAI_COMPATIBLE_API_KEY"
    api_key_optional: ClassVar[bool] = True
    base_url_env: ClassVar[str | None] = "OPENAI_COMPATIBLE_BASE_URL"
    requires_base_url: ClassVar[bool] = True
    max_concurrency: ClassVar[int] = 8
    vendor: ClassVar[str] = "OpenAI-compatible server"


PROVIDER = OpenAICompatibleProvider
