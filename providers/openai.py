"""OpenAI's hosted API: GPT-4 family and later, and the reasoning models (o1/o3/o4/gpt-5)."""

from __future__ import annotations

from codeeval.providers._openai_compat import OpenAICompatProvider


class OpenAIProvider(OpenAICompatProvider):
    """OpenAI through the `openai` SDK; `api="auto"` uses the Responses API where needed."""

    api_key_env = "OPENAI_API_KEY"
    base_url_env = "OPENAI_BASE_URL"
    default_base_url = "https://api.openai.com/v1"
    default_model = "gpt-4o"
    vendor = "OpenAI"
    auto_responses = True
    token_limit_param = "max_completion_tokens"


PROVIDER = OpenAIProvider
