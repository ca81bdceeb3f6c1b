"""An Ollama server's OpenAI-compatible API (default http://localhost:11434/v1)."""

from __future__ import annotations

import os
from typing import ClassVar
from urllib.parse import urlsplit

from codeeval.providers._openai_compat import OpenAICompatProvider


class OllamaProvider(OpenAICompatProvider):
    """Ollama; OLLAMA_BASE_URL, else Ollama's own OLLAMA_HOST (`host:port`), picks the server."""

    api_key_env: ClassVar[str | None] = "OLLAMA_API_KEY"
    api_key_optional: ClassVar[bool] = True
    base_url_env: ClassVar[str | None] = "OLLAMA_BASE_URL"
    default_base_url: ClassVar[str | None] = "http://localhost:11434/v1"
    max_concurrency: ClassVar[int] = 4
    vendor: ClassVar[str] = "Ollama"

    def _pick_base_url(self, explicit: str | None) -> str:
        host = os.environ.get("OLLAMA_HOST", "").strip()
        if explicit or os.environ.get("OLLAMA_BASE_URL", "").strip() or not host:
            url: str = super()._pick_base_url(explicit)
            return url
        if "://" not in host:
            host = f"http://{host}"
        parts = urlsplit(host)
        netloc = parts.netloc if parts.port else f"{parts.netloc}:11434"  # Ollama's own default
        return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}/v1"


PROVIDER = OllamaProvider
