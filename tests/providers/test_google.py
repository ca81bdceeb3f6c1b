"""The google provider through the real google-genai SDK against a local Gemini API server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from codeeval.errors import MissingApiKey, RateLimited
from codeeval.provider import create_provider, is_truncated
from codeeval.providers.google import GoogleProvider, retry_delay_s
from codeeval.types import GenerationRequest
from tests.providers.conftest import FAKE_KEY
from tests.servers import gemini_wire
from tests.servers.base import WireServer

MakeRequest = Callable[..., GenerationRequest]


@pytest.fixture
def server() -> Iterator[WireServer]:
    wire = gemini_wire.server()
    yield wire
    wire.stop()


@pytest.fixture
def provider(server: WireServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleProvider]:
    monkeypatch.setenv("GEMINI_API_KEY", FAKE_KEY)
    made = GoogleProvider("gemini-2.5-flash", base_url=server.url)
    yield made
    made.close()


def test_streamed_generation_sends_every_parameter_and_parses_the_answer(
    server: WireServer, provider: GoogleProvider, make_request: MakeRequest
) -> None:
    gen = provider.generate(
        make_request(
            system="You write Python.",
            temperature=0.2,
            top_p=0.9,
            max_tokens=300,
            seed=11,
            stop=("\nclass",),
        )
    )
    sent = server.requests[-1]
    assert sent.path.endswith("/models/gemini-2.5-flash:streamGenerateContent")
    assert sent.query == {"alt": ["sse"]}
    assert sent.headers["x-goog-api-key"] == FAKE_KEY
    assert sent.body == {
        "contents": [{"parts": [{"text": "Write double(x)."}], "role": "user"}],
        "systemInstruction": {"parts": [{"text": "You write Python."}], "role": "user"},
        "generationConfig": {
            "temperature": 0.2,
            "topP": 0.9,
            "maxOutputTokens": 300,
            "candidateCount": 1,
            "seed": 11,
            "stopSequences": ["\nclass"],
        },
    }
    assert gen.text == "def double(x):\n    return 2 * x\n"
    assert (gen.input_tokens, gen.output_tokens, gen.finish_reason) == (17, 8, "STOP")
    assert gen.served_model == "gemini-2.5-flash"
    assert gen.first_token_s is not None and gen.latency_s is not None
    assert 0 < gen.first_token_s <= gen.latency_s
    assert gen.raw is not None and gen.raw["usage_metadata"]["candidates_token_count"] == 8
    assert FAKE_KEY not in json.dumps(gen.raw)


def test_first_token_time_is_measured_from_the_stream(
    server: WireServer, provider: GoogleProvider, make_request: MakeRequest
) -> None:
    server.push(gemini_wire.generate(chunks=5, delay_s=0.07))
    gen = provider.generate(make_request())
    assert gen.first_token_s is not None and gen.latency_s is not None
    assert 0.06 <= gen.first_token_s and gen.latency_s - gen.first_token_s >= 0.25


def test_thinking_budget_is_sent(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", FAKE_KEY)
    provider = GoogleProvider("gemini-2.5-flash", base_url=server.url, thinking_budget=0)
    provider.generate(make_request())
    provider.close()
    # proto3 JSON takes either spelling; this SDK version sends the snake_case one
    sent = server.requests[-1].body["generationConfig"]["thinkingConfig"]
    assert sent in ({"thinkingBudget": 0}, {"thinking_budget": 0})


def test_an_answer_cut_by_the_token_limit_keeps_max_tokens(
    server: WireServer, provider: GoogleProvider, make_request: MakeRequest
) -> None:
    server.push(gemini_wire.generate(text="def double(x):\n  ", finish_reason="MAX_TOKENS"))
    gen = provider.generate(make_request())
    assert gen.finish_reason == "MAX_TOKENS" and is_truncated(gen)


def test_429_with_retry_info_and_with_retry_after(
    server: WireServer, provider: GoogleProvider, make_request: MakeRequest
) -> None:
    server.push(gemini_wire.rate_limited("7s"), gemini_wire.rate_limited(None, retry_after="4"))
    with pytest.raises(RateLimited) as first:
        provider.generate(make_request())
    with pytest.raises(RateLimited) as second:
        provider.generate(make_request())
    assert (first.value.retry_after, second.value.retry_after) == (7.0, 4.0)


def test_retry_delay_parsing() -> None:
    body = {
        "error": {
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"}]
        }
    }
    assert retry_delay_s(body) == 1.5
    assert retry_delay_s({"error": "x"}) is None and retry_delay_s(None) is None


def test_missing_key_names_the_variable() -> None:
    with pytest.raises(MissingApiKey, match="set GEMINI_API_KEY to use google/gemini-2.5-pro"):
        create_provider("google/gemini-2.5-pro", {}, {})
