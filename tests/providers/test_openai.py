"""The openai provider through the real openai SDK against a local OpenAI wire server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from codeeval.errors import MissingApiKey, ProviderError, RateLimited, TransientProviderError
from codeeval.provider import create_provider, is_truncated
from codeeval.providers.openai import OpenAIProvider
from codeeval.types import GenerationRequest
from tests.providers.conftest import FAKE_KEY, assert_no_secret
from tests.servers import openai_wire
from tests.servers.base import WireServer, malformed_json

MakeRequest = Callable[..., GenerationRequest]


@pytest.fixture
def server() -> Iterator[WireServer]:
    wire = openai_wire.server()
    yield wire
    wire.stop()


@pytest.fixture
def provider(server: WireServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIProvider]:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    made = OpenAIProvider("gpt-4o", base_url=f"{server.url}/v1")
    yield made
    made.close()


def test_streamed_chat_sends_every_parameter_and_parses_the_answer(
    server: WireServer, provider: OpenAIProvider, make_request: MakeRequest
) -> None:
    request = make_request(
        prompt="Write double(x).",
        system="You write Python.",
        temperature=0.2,
        top_p=0.9,
        max_tokens=321,
        seed=7,
        stop=("\nclass",),
    )
    gen = provider.generate(request)

    sent = server.requests[-1]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {FAKE_KEY}"
    assert sent.body == {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You write Python."},
            {"role": "user", "content": "Write double(x)."},
        ],
        "temperature": 0.2,
        "top_p": 0.9,
        "max_completion_tokens": 321,
        "seed": 7,
        "stop": ["\nclass"],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    assert gen.text == "def double(x):\n    return 2 * x\n"
    assert (gen.input_tokens, gen.output_tokens, gen.finish_reason) == (21, 9, "stop")
    assert gen.served_model == "gpt-4o"
    assert gen.latency_s is not None and gen.first_token_s is not None
    assert 0 < gen.first_token_s <= gen.latency_s
    assert gen.raw is not None and gen.raw["usage"]["completion_tokens"] == 9
    assert gen.raw["finish_reason"] == "stop" and gen.raw["system_fingerprint"] == "fp_test"
    assert FAKE_KEY not in json.dumps(gen.raw)


def test_first_token_time_is_measured_from_the_stream(
    server: WireServer, provider: OpenAIProvider, make_request: MakeRequest
) -> None:
    # 1 role chunk + 4 content chunks + finish + usage + [DONE], 80 ms before each event.
    server.push(openai_wire.chat(chunks=4, delay_s=0.08))
    gen = provider.generate(make_request())
    assert gen.first_token_s is not None and gen.latency_s is not None
    assert 0.15 <= gen.first_token_s < gen.latency_s
    assert gen.latency_s - gen.first_token_s >= 0.3  # 5 more events came after the first token


def test_non_streamed_chat_when_stream_is_off(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    provider = OpenAIProvider("gpt-4o", base_url=f"{server.url}/v1", stream=False)
    gen = provider.generate(make_request())
    provider.close()
    assert "stream" not in server.requests[-1].body
    assert gen.text.startswith("def double") and gen.output_tokens == 9
    assert gen.first_token_s is None and gen.raw is not None and gen.raw["id"] == "chatcmpl-test"


def test_reasoning_models_get_completion_tokens_no_temperature_and_developer_role(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    provider = OpenAIProvider("o3-mini", base_url=f"{server.url}/v1", reasoning_effort="low")
    provider.generate(make_request(system="Be brief.", temperature=0.7, top_p=0.5, max_tokens=100))
    provider.close()
    body = server.requests[-1].body
    assert body["max_completion_tokens"] == 100 and body["reasoning_effort"] == "low"
    assert "temperature" not in body and "top_p" not in body and "max_tokens" not in body
    assert body["messages"][0] == {"role": "developer", "content": "Be brief."}


@pytest.mark.parametrize(
    ("model", "api", "path"),
    [
        ("gpt-4o", "auto", "/v1/chat/completions"),
        ("gpt-5-codex", "auto", "/v1/responses"),
        ("o3-pro", "auto", "/v1/responses"),
        ("gpt-4.1", "responses", "/v1/responses"),
        ("gpt-5-codex", "chat", "/v1/chat/completions"),
    ],
)
def test_api_choice_picks_the_endpoint(
    server: WireServer,
    monkeypatch: pytest.MonkeyPatch,
    make_request: MakeRequest,
    model: str,
    api: str,
    path: str,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    provider = OpenAIProvider(model, base_url=f"{server.url}/v1", api=api)  # type: ignore[arg-type]
    gen = provider.generate(make_request())
    provider.close()
    assert server.requests[-1].path == path
    assert gen.text == "def double(x):\n    return 2 * x\n"


def test_responses_api_request_and_answer(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    provider = OpenAIProvider("gpt-4.1", base_url=f"{server.url}/v1", api="responses")
    server.push(openai_wire.responses(text="def f():\n    pass\n# END\nmore", usage=(40, 15)))
    gen = provider.generate(
        make_request(system="Sys.", temperature=0.3, max_tokens=64, stop=("# END",))
    )
    provider.close()
    body = server.requests[-1].body
    assert body == {
        "model": "gpt-4.1",
        "input": "Write double(x).",
        "instructions": "Sys.",
        "max_output_tokens": 64,
        "store": False,
        "temperature": 0.3,
        "stream": True,
    }
    assert gen.text == "def f():\n    pass\n"  # stop sequence applied on our side
    assert (gen.input_tokens, gen.output_tokens, gen.finish_reason) == (40, 15, "stop")
    assert gen.first_token_s is not None and gen.served_model == "gpt-4.1"


def test_responses_api_cut_by_the_token_limit(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    provider = OpenAIProvider("gpt-5-codex", base_url=f"{server.url}/v1")
    server.push(openai_wire.responses(status="incomplete", incomplete_reason="max_output_tokens"))
    gen = provider.generate(make_request())
    provider.close()
    assert gen.finish_reason == "max_output_tokens" and is_truncated(gen)
    assert "temperature" not in server.requests[-1].body  # gpt-5 family reasons


def test_completion_mode_uses_the_completions_endpoint(
    server: WireServer, provider: OpenAIProvider, make_request: MakeRequest
) -> None:
    gen = provider.generate(
        make_request(prompt="def double(x):\n", mode="completion", max_tokens=50, stop=("\ndef",))
    )
    sent = server.requests[-1]
    assert sent.path == "/v1/completions"
    assert sent.body["prompt"] == "def double(x):\n" and sent.body["max_tokens"] == 50
    assert sent.body["stop"] == ["\ndef"] and "messages" not in sent.body
    assert gen.text == "    return 2 * x\n" and (gen.input_tokens, gen.output_tokens) == (12, 6)


def test_an_answer_cut_by_the_token_limit_keeps_length(
    server: WireServer, provider: OpenAIProvider, make_request: MakeRequest
) -> None:
    server.push(openai_wire.chat(text="def double(x):\n    ret", finish_reason="length"))
    gen = provider.generate(make_request(max_tokens=8))
    assert gen.finish_reason == "length" and is_truncated(gen)
    assert gen.text == "def double(x):\n    ret"


def test_429_retry_after_ms_header(
    server: WireServer, provider: OpenAIProvider, make_request: MakeRequest
) -> None:
    server.push(openai_wire.rate_limited("1500", header="retry-after-ms"))
    with pytest.raises(RateLimited) as caught:
        provider.generate(make_request())
    assert caught.value.retry_after == 1.5


def test_quota_exhausted_is_not_retried(
    server: WireServer, provider: OpenAIProvider, make_request: MakeRequest
) -> None:
    server.push(
        openai_wire.error(
            429, "You exceeded your current quota", "insufficient_quota", "insufficient_quota"
        )
    )
    with pytest.raises(ProviderError) as caught:
        provider.generate(make_request())
    assert not isinstance(caught.value, (RateLimited, TransientProviderError))
    assert "quota" in str(caught.value)


def test_malformed_json_body_is_a_clear_transient_error(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    provider = OpenAIProvider("gpt-4o", base_url=f"{server.url}/v1", stream=False)
    server.push(malformed_json)
    with pytest.raises(TransientProviderError, match="malformed answer"):
        provider.generate(make_request())
    provider.close()


def test_no_secret_in_logs_exceptions_or_raw(
    server: WireServer,
    provider: OpenAIProvider,
    make_request: MakeRequest,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    gen = provider.generate(make_request())
    server.push(openai_wire.error(500, "boom", "server_error"))
    with pytest.raises(TransientProviderError) as caught:
        provider.generate(make_request())
    assert debug_logs.records, "the SDK should have logged the requests at DEBUG"
    assert FAKE_KEY not in debug_logs.text
    assert FAKE_KEY not in json.dumps(gen.raw)
    assert_no_secret(caught.value, gen)


def test_missing_key_names_the_variable(make_request: MakeRequest) -> None:
    with pytest.raises(MissingApiKey, match="set OPENAI_API_KEY to use openai/gpt-4o"):
        create_provider("openai/gpt-4o", {}, {})
    with pytest.raises(MissingApiKey, match="OPENAI_API_KEY"):
        OpenAIProvider("gpt-4o")


def test_base_url_from_the_sdk_environment_variable(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
    provider = create_provider("openai/gpt-4o-mini", {"openai": {"timeout_s": 30}}, {})
    gen = provider.generate(make_request())
    provider.close()
    assert server.requests[-1].body["model"] == "gpt-4o-mini" and gen.output_tokens == 9


def test_concurrent_calls_each_get_their_own_answer(
    server: WireServer, provider: OpenAIProvider, make_request: MakeRequest
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.servers.base import Exchange

    def echo(ex: Exchange) -> None:
        prompt = ex.body["messages"][-1]["content"]
        openai_wire.chat(text=f"answer to {prompt}", delay_s=0.01)(ex)

    server.default = echo
    prompts = [f"prompt {i}" for i in range(16)]
    with ThreadPoolExecutor(8) as pool:
        gens = list(pool.map(lambda p: provider.generate(make_request(prompt=p)), prompts))
    assert [g.text for g in gens] == [f"answer to {p}" for p in prompts]
    assert len(server.requests) == 16
