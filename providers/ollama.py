"""An Ollama server's OpenAI-compatible API (default http://localhost:11434/v1)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from codeeval.providers._openai_compat import OpenAICompatProvider


class OllamaProvider(OpenAICompatProvider):
    """Ollama; OLLAMA_BASE_URL, else Ollama's own OLLAMA_HOST (`host:port`), picks the server."""

    api_key_env = "OLLAMA_API_KEY"
    api_key_optional = True
    base_url_env = "OLLAMA_BASE_URL"
    default_base_url = "http://localhost:11434/v1"
    vendor = "Ollama"
    max_concurrency = 4

    def _pick_base_url(self, explicit: str | None) -> str | None:
        host = os.environ.get("OLLAMA_HOST", "").strip()
        from_env = os.environ.get(self.base_url_env or "", "").strip()
        if explicit or from_env or not host:
            return super()._pick_base_url(explicit)
        if "://" not in host:
            host = f"http://{host}"
        parts = urlsplit(host)
        netloc = parts.netloc if parts.port else f"{parts.netloc}:11434"  # Ollama's own default
        return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}/v1"


PROVIDER = OllamaProvider
