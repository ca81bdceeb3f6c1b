"""The anthropic provider through the real anthropic SDK against a local Messages server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from codeeval.errors import (
    BadConfig,
    MissingApiKey,
)
from codeeval.provider import create_provider, is_truncated
from codeeval.providers.anthropic import AnthropicProvider
from codeeval.types import GenerationRequest
from tests.providers.conftest import FAKE_KEY
from tests.servers import anthropic_wire
from tests.servers.base import WireServer

MakeRequest = Callable[..., GenerationRequest]


@pytest.fixture
def server() -> Iterator[WireServer]:
    wire = anthropic_wire.server()
    yield wire
    wire.stop()


@pytest.fixture
def provider(server: WireServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[AnthropicProvider]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    made = AnthropicProvider("claude-sonnet-4-6", base_url=server.url)
    yield made
    made.close()


def test_streamed_message_sends_every_parameter_and_parses_the_answer(
    server: WireServer, provider: AnthropicProvider, make_request: MakeRequest
) -> None:
    gen = provider.generate(
        make_request(
            system="You write Python.",
            temperature=0.2,
            top_p=0.9,
            max_tokens=333,
            seed=5,
            stop=("\nclass",),
        )
    )
    sent = server.requests[-1]
    assert sent.path == "/v1/messages"
    sent_key = sent.headers.get("x-api-key") or sent.headers["authorization"].removeprefix(
        "Bearer "
    )
    assert sent_key == FAKE_KEY and "anthropic-version" in sent.headers
    assert sent.body == {
        "model": "claude-sonnet-4-6",
        "max_tokens": 333,
        "messages": [{"role": "user", "content": "Write double(x)."}],
        "system": "You write Python.",
        "stop_sequences": ["\nclass"],
        "temperature": 0.2,
        "top_p": 0.9,
        "stream": True,
    }  # no seed: the Messages API has none
    assert gen.text == "def double(x):\n    return 2 * x\n"
    assert (gen.input_tokens, gen.output_tokens, gen.finish_reason) == (25, 11, "end_turn")
    assert gen.served_model == "claude-sonnet-4-6"
    assert gen.first_token_s is not None and gen.latency_s is not None
    assert 0 < gen.first_token_s <= gen.latency_s
    assert gen.raw is not None and gen.raw["id"] == "msg_test"
    assert gen.raw["usage"] == {"input_tokens": 25, "output_tokens": 11}
    assert FAKE_KEY not in json.dumps(gen.raw)


def test_first_token_time_is_measured_from_the_stream(
    server: WireServer, provider: AnthropicProvider, make_request: MakeRequest
) -> None:
    # message_start, ping, block start, then the first text delta: 4 events of 60 ms.
    server.push(anthropic_wire.message(chunks=3, delay_s=0.06))
    gen = provider.generate(make_request())
    assert gen.first_token_s is not None and gen.latency_s is not None
    assert 0.2 <= gen.first_token_s and gen.latency_s - gen.first_token_s >= 0.25


@pytest.mark.parametrize("model", ["claude-opus-4-7", "claude-sonnet-5", "claude-fable-5"])
def test_newer_models_get_no_temperature(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest, model: str
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    provider = AnthropicProvider(model, base_url=server.url)
    provider.generate(make_request(temperature=0.0, top_p=0.5))
    provider.close()
    body = server.requests[-1].body
    assert "temperature" not in body and "top_p" not in body


def test_thinking_blocks_are_not_part_of_the_text(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    provider = AnthropicProvider("claude-opus-4-7", base_url=server.url, thinking="adaptive")
    server.push(anthropic_wire.message(thinking="Let me think."))
    gen = provider.generate(make_request())
    provider.close()
    assert server.requests[-1].body["thinking"] == {"type": "adaptive"}
    assert gen.text == "def double(x):\n    return 2 * x\n"


def test_bad_thinking_option_is_bad_config(
    server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    with pytest.raises(BadConfig, match="thinking"):
        AnthropicProvider("claude-opus-4-7", base_url=server.url, thinking=100)


def test_an_answer_cut_by_the_token_limit_keeps_max_tokens(
    server: WireServer, provider: AnthropicProvider, make_request: MakeRequest
) -> None:
    server.push(anthropic_wire.message(text="def double(x):\n    re", stop_reason="max_tokens"))
    gen = provider.generate(make_request(max_tokens=8))
    assert gen.finish_reason == "max_tokens" and is_truncated(gen)


def test_missing_key_names_the_variable() -> None:
    with pytest.raises(MissingApiKey, match="set ANTHROPIC_API_KEY to use anthropic/claude"):
        create_provider("anthropic/claude-sonnet-4-6", {}, {})
