"""create_provider and describe_providers: name resolution, options, keys, readiness."""

from __future__ import annotations

import time

import pytest

from codeeval.config import EndpointConfig
from codeeval.errors import BadConfig, MissingApiKey, UnknownName
from codeeval.provider import (
    create_provider,
    describe_providers,
    parse_retry_after,
    redact,
    retry_after_from_headers,
)

BUILT_INS = {
    "anthropic",
    "deepseek",
    "google",
    "hf",
    "mistral",
    "ollama",
    "openai",
    "openai-compatible",
    "vllm",
}


def test_unknown_provider_lists_providers_and_endpoints() -> None:
    endpoints = {"team": EndpointConfig(provider="vllm")}
    with pytest.raises(UnknownName) as caught:
        create_provider("nosuch/model", {}, endpoints)
    assert BUILT_INS <= set(caught.value.known) and "team" in caught.value.known
    assert "[endpoints.NAME]" in str(caught.value)


def test_unknown_option_lists_the_valid_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    with pytest.raises(
        BadConfig,
        match=r"\[providers.openai\]: temprature: unknown option; "
        r"valid: .*timeout_s",
    ):
        create_provider("openai/gpt-4o", {"openai": {"temprature": 1}}, {})


def test_endpoint_may_not_shadow_a_provider() -> None:
    with pytest.raises(BadConfig, match=r"\[endpoints.openai\]: shadows"):
        create_provider("openai/gpt-4o", {}, {"openai": EndpointConfig(provider="vllm")})


def test_endpoint_with_an_unknown_provider() -> None:
    with pytest.raises(UnknownName, match="'nosuch'"):
        create_provider("team/m", {}, {"team": EndpointConfig(provider="nosuch")})


def test_model_name_is_required_for_hosted_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    with pytest.raises(BadConfig, match="name the model too"):
        create_provider("openai", {}, {})


def test_missing_key_is_reported_before_anything_is_built() -> None:
    with pytest.raises(MissingApiKey) as caught:
        create_provider("anthropic/claude-opus-4-7", {}, {})
    assert caught.value.env_var == "ANTHROPIC_API_KEY"


def test_bad_option_values_are_bad_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    with pytest.raises(BadConfig, match="api: 'rest'"):
        create_provider("openai/gpt-4o", {"openai": {"api": "rest"}}, {})


def test_describe_providers_reports_keys_and_readiness(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-x")
    infos = {
        info.name: info
        for info in describe_providers(
            {"team": EndpointConfig(provider="openai-compatible", base_url="http://10.0.0.1/v1")}
        )
    }
    assert BUILT_INS <= set(infos)
    assert infos["anthropic"].ready and infos["anthropic"].key_set
    assert not infos["openai"].ready and infos["openai"].note == "set OPENAI_API_KEY"
    assert infos["openai"].api_key_env == "OPENAI_API_KEY"
    assert infos["openai"].default_base_url == "https://api.openai.com/v1"
    assert infos["vllm"].ready  # a local server needs no key
    assert not infos["openai-compatible"].ready
    assert "OPENAI_COMPATIBLE_BASE_URL" in infos["openai-compatible"].note
    assert infos["team"].ready and infos["team"].provider == "openai-compatible"
    assert infos["hf"].api_key_env is None and infos["hf"].extra == "hf"
    hosted = {name: info.default_model for name, info in infos.items() if info.hosted}
    assert hosted == {
        "anthropic": "claude-sonnet-4-6",
        "deepseek": "deepseek-chat",
        "google": "gemini-2.5-flash",
        "mistral": "codestral-latest",
        "openai": "gpt-4o",
    }


def test_describe_providers_imports_no_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from codeeval.provider import describe_providers; describe_providers();"
        "print([m for m in ('openai', 'anthropic', 'google.genai', 'torch', 'transformers')"
        " if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_parse_retry_after() -> None:
    now = time.time()
    assert parse_retry_after("3") == 3.0 and parse_retry_after(" 2.5 ") == 2.5
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 20))
    assert 18 <= (parse_retry_after(date, now=now) or 0) <= 21
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
    assert parse_retry_after("-4") == 0.0 and parse_retry_after("nan") is None
    assert retry_after_from_headers({"retry-after-ms": "250", "retry-after": "9"}) == 0.25


def test_redact_removes_the_key_and_key_shaped_strings() -> None:
    text = redact("bad key sk-proj-abcdefghijklmnopqrstu and SECRETVALUE", "SECRETVALUE")
    assert text == "bad key [redacted] and [redacted]"


@pytest.mark.parametrize("name", sorted(BUILT_INS - {"hf"}))
def test_every_hosted_provider_satisfies_the_protocol(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codeeval.provider import BaseProvider

    for variable in (
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "GEMINI_API_KEY",
        "DEEPSEEK_API_KEY",
        "MISTRAL_API_KEY",
    ):
        monkeypatch.setenv(variable, "sk-x")
    monkeypatch.setenv("OPENAI_COMPATIBLE_BASE_URL", "http://127.0.0.1:9/v1")
    provider = create_provider(f"{name}/some-model", {}, {})
    try:
        assert isinstance(provider, BaseProvider)
        assert provider.max_concurrency >= 1
    finally:
        provider.close()
