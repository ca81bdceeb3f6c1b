"""Mistral's hosted API (OpenAI-compatible chat completions)."""

from __future__ import annotations

from codeeval.providers._openai_compat import OpenAICompatProvider


class MistralProvider(OpenAICompatProvider):
    """Mistral's API refuses fields it does not know: no stream_options, `random_seed`."""

    api_key_env = "MISTRAL_API_KEY"
    base_url_env = "MISTRAL_BASE_URL"
    default_base_url = "https://api.mistral.ai/v1"
    default_model = "codestral-latest"
    vendor = "Mistral"
    seed_param = "random_seed"
    stream_usage = False


PROVIDER = MistralProvider
