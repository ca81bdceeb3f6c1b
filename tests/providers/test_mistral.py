"""The mistral provider through the real openai SDK against a local OpenAI wire server."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from codeeval.errors import MissingApiKey
from codeeval.provider import create_provider, describe_providers, is_truncated
from codeeval.types import GenerationRequest
from tests.providers.conftest import FAKE_KEY
from tests.servers import openai_wire
from tests.servers.base import WireServer

MakeRequest = Callable[..., GenerationRequest]


@pytest.fixture
def server() -> Iterator[WireServer]:
    wire = openai_wire.server()
    yield wire
    wire.stop()


def test_sends_only_fields_mistral_accepts_and_reads_usage_from_the_last_chunk(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", FAKE_KEY)
    monkeypatch.setenv("MISTRAL_BASE_URL", f"{server.url}/v1")
    server.push(openai_wire.chat(usage_with_finish=True, usage=(31, 9)))
    provider = create_provider("mistral/codestral-latest", {}, {})
    gen = provider.generate(
        make_request(system="You write Python.", temperature=0.2, top_p=0.9, max_tokens=99, seed=4)
    )
    provider.close()
    sent = server.requests[-1]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {FAKE_KEY}"
    assert sent.body == {
        "model": "codestral-latest",
        "messages": [
            {"role": "system", "content": "You write Python."},
            {"role": "user", "content": "Write double(x)."},
        ],
        "max_tokens": 99,
        "temperature": 0.2,
        "top_p": 0.9,
        "random_seed": 4,  # Mistral's name; it refuses "seed" and "stream_options" (422)
        "stream": True,
    }
    assert gen.text == "def double(x):\n    return 2 * x\n"
    assert (gen.input_tokens, gen.output_tokens, gen.finish_reason) == (31, 9, "stop")
    assert gen.first_token_s is not None and gen.served_model == "codestral-latest"


def test_model_length_is_a_truncated_answer(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", FAKE_KEY)
    server.push(openai_wire.chat(finish_reason="model_length", usage_with_finish=True))
    provider = create_provider(
        "mistral/mistral-large-latest", {"mistral": {"base_url": f"{server.url}/v1"}}, {}
    )
    gen = provider.generate(make_request())
    provider.close()
    assert gen.finish_reason == "model_length" and is_truncated(gen)


def test_the_key_variable_and_the_default_base_url() -> None:
    with pytest.raises(MissingApiKey, match="set MISTRAL_API_KEY to use mistral/codestral-latest"):
        create_provider("mistral/codestral-latest", {}, {})
    (info,) = [i for i in describe_providers() if i.name == "mistral"]
    assert (info.api_key_env, info.base_url_env) == ("MISTRAL_API_KEY", "MISTRAL_BASE_URL")
    assert (
        info.default_base_url == "https://api.mistral.ai/v1" and info.note == "set MISTRAL_API_KEY"
    )
