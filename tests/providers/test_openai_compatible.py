"""deepseek, vllm, ollama and openai-compatible: presets of the shared OpenAI-compatible base."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from codeeval.config import EndpointConfig
from codeeval.errors import BadConfig, MissingApiKey
from codeeval.provider import create_provider
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


def test_deepseek_uses_its_own_key_and_base_url_variables(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", FAKE_KEY)
    monkeypatch.setenv("DEEPSEEK_BASE_URL", f"{server.url}/v1")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # must not be used
    server.push(openai_wire.chat(reasoning="First, double it."))
    provider = create_provider("deepseek/deepseek-reasoner", {}, {})
    gen = provider.generate(make_request(max_tokens=77, temperature=0.0))
    provider.close()
    sent = server.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {FAKE_KEY}"
    assert sent.body["model"] == "deepseek-reasoner" and sent.body["max_tokens"] == 77
    assert "max_completion_tokens" not in sent.body and sent.body["temperature"] == 0.0
    assert gen.text == "def double(x):\n    return 2 * x\n"
    assert gen.raw is not None and gen.raw["reasoning_content"] == "First, double it."


def test_deepseek_missing_key_names_its_variable() -> None:
    with pytest.raises(MissingApiKey, match="set DEEPSEEK_API_KEY to use deepseek/deepseek-chat"):
        create_provider("deepseek/deepseek-chat", {}, {})


def test_vllm_needs_no_key_and_takes_options(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("VLLM_BASE_URL", f"{server.url}/v1")
    options = {"vllm": {"max_concurrency": 64, "extra_body": {"top_k": 20}}}
    provider = create_provider("vllm/Qwen/Qwen2.5-Coder-7B-Instruct", options, {})
    assert provider.max_concurrency == 64
    gen = provider.generate(make_request(seed=3))
    sent = server.requests[-1]
    assert sent.body["model"] == "Qwen/Qwen2.5-Coder-7B-Instruct"
    assert sent.body["top_k"] == 20 and sent.body["seed"] == 3
    assert gen.output_tokens == 9
    # completion mode for base models: /v1/completions
    provider.generate(make_request(prompt="def f(", mode="completion"))
    provider.close()
    assert server.requests[-1].path == "/v1/completions"
    assert server.requests[-1].body["prompt"] == "def f("


def test_ollama_follows_ollama_host(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", server.url.removeprefix("http://"))
    provider = create_provider("ollama/qwen2.5-coder:7b", {}, {})
    provider.generate(make_request())
    provider.close()
    assert server.requests[-1].path == "/v1/chat/completions"
    assert server.requests[-1].body["model"] == "qwen2.5-coder:7b"


@pytest.mark.parametrize(
    ("host", "url"),
    [("0.0.0.0", "http://0.0.0.0:11434/v1"), ("https://box:443", "https://box:443/v1")],
)
def test_ollama_host_forms(monkeypatch: pytest.MonkeyPatch, host: str, url: str) -> None:
    monkeypatch.setenv("OLLAMA_HOST", host)
    provider = create_provider("ollama/llama3", {}, {})
    assert provider.base_url == url
    provider.close()


def test_openai_compatible_needs_a_base_url() -> None:
    with pytest.raises(BadConfig, match="OPENAI_COMPATIBLE_BASE_URL"):
        create_provider("openai-compatible/some-model", {}, {})


def test_named_endpoint_brings_base_url_key_variable_and_options(
    server: WireServer, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    endpoints = {
        "team-vllm": EndpointConfig(
            provider="openai-compatible",
            base_url=f"{server.url}/v1",
            api_key_env="TEAM_VLLM_KEY",
            options={"max_concurrency": 16},
        )
    }
    with pytest.raises(MissingApiKey, match="set TEAM_VLLM_KEY to use team-vllm/coder"):
        create_provider("team-vllm/coder", {}, endpoints)
    monkeypatch.setenv("TEAM_VLLM_KEY", FAKE_KEY)
    provider = create_provider("team-vllm/coder", {}, endpoints)
    assert provider.max_concurrency == 16
    provider.generate(make_request())
    provider.close()
    sent = server.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {FAKE_KEY}"
    assert sent.body["model"] == "coder"
