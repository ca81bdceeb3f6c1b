"""The provider contract: one base class declares everything the core reads, and drives it."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codeeval import registry
from codeeval.errors import BadConfig, MissingApiKey
from codeeval.provider import BaseProvider, create_provider, provider_class
from codeeval.types import Generation, GenerationRequest
from tests.providers.conftest import FAKE_KEY
from tests.servers import anthropic_wire, gemini_wire, openai_wire
from tests.servers.base import WireServer

ROOT = Path(__file__).resolve().parents[2]
MakeRequest = Callable[..., GenerationRequest]


def _base_attributes() -> dict[str, bool]:
    """Each attribute declared in BaseProvider's body, and whether a docstring follows it."""
    tree = ast.parse((ROOT / "codeeval" / "provider.py").read_text(encoding="utf-8"))
    (base,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "BaseProvider"]
    found: dict[str, bool] = {}
    for statement, after in zip(base.body, [*base.body[1:], None], strict=True):
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            documented = (
                isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            )
            found[statement.target.id] = documented
    return found


def test_every_attribute_of_the_base_class_has_a_docstring() -> None:
    attributes = _base_attributes()
    assert {"api_key_env", "max_concurrency", "prompt_mode", "endpoint", "cacheable"} <= set(
        attributes
    )
    assert [name for name, documented in attributes.items() if not documented] == []


def test_the_core_reads_provider_attributes_directly() -> None:
    # getattr(provider, "cacheable", True) would hide a second default from the base class.
    declared = set(_base_attributes())
    offenders = []
    for path in sorted((ROOT / "codeeval").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in declared
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_every_built_in_provider_subclasses_the_base_class() -> None:
    names = registry.names(registry.PROVIDERS)
    assert {"openai", "anthropic", "google", "hf", "reference", "replay", "mistral"} <= set(names)
    for name in names:
        found = registry.resolve(registry.PROVIDERS, name)
        assert isinstance(found, type) and issubclass(found, BaseProvider), name


class _DuckProvider:
    """Has generate and close, but not the base class."""

    api_key_env = None
    max_concurrency = 4

    def __init__(self, model: str) -> None:
        self.model = model

    def generate(self, request: GenerationRequest) -> Generation:
        return Generation(text="")

    def close(self) -> None:
        pass


def test_a_class_that_does_not_subclass_the_base_is_refused_naming_its_origin() -> None:
    with pytest.raises(BadConfig) as caught:
        provider_class("openai", _DuckProvider)
    assert str(caught.value) == (
        "provider 'openai' (module codeeval.providers.openai) does not subclass "
        "codeeval.provider.BaseProvider; upgrade the package that provides it, or uninstall it"
    )
    with pytest.raises(BadConfig):
        provider_class("openai", lambda model: None)


# --- the class attributes drive the key and the base URL --------------------------------------


def _subclass_of(name: str) -> type[BaseProvider]:
    base = provider_class(name, registry.resolve(registry.PROVIDERS, name))
    attributes = {
        "api_key_env": "ACME_API_KEY",
        "api_key_optional": False,
        "base_url_env": "ACME_BASE_URL",
        "default_base_url": "http://127.0.0.1:9/never-used",
    }
    return type(f"Acme{base.__name__}", (base,), attributes)


_SERVERS: dict[str, tuple[Callable[[], WireServer], str]] = {
    "openai": (openai_wire.server, "/v1"),
    "deepseek": (openai_wire.server, "/v1"),
    "mistral": (openai_wire.server, "/v1"),
    "vllm": (openai_wire.server, "/v1"),
    "ollama": (openai_wire.server, "/v1"),
    "openai-compatible": (openai_wire.server, "/v1"),
    "anthropic": (anthropic_wire.server, ""),
    "google": (gemini_wire.server, ""),
}


@pytest.fixture(params=sorted(_SERVERS))
def http_provider(request: pytest.FixtureRequest) -> Iterator[tuple[str, WireServer]]:
    name: str = request.param
    make_server, _ = _SERVERS[name]
    server = make_server()
    yield name, server
    server.stop()


def test_a_subclass_reads_its_own_key_and_base_url_variables(
    http_provider: tuple[str, WireServer],
    monkeypatch: pytest.MonkeyPatch,
    make_request: MakeRequest,
) -> None:
    name, server = http_provider
    monkeypatch.setenv("ACME_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ACME_BASE_URL", server.url + _SERVERS[name][1])
    provider = _subclass_of(name)("some-model")
    provider.generate(make_request())
    provider.close()
    headers = server.requests[-1].headers
    assert any(FAKE_KEY in value for value in headers.values()), headers
    assert provider.key_env == "ACME_API_KEY" and provider.api_key == FAKE_KEY
    assert provider.endpoint == server.url + _SERVERS[name][1]  # not the default: cache-keyed


def test_a_subclass_names_its_own_variables_when_they_are_missing(
    http_provider: tuple[str, WireServer],
) -> None:
    name, _ = http_provider
    with pytest.raises(MissingApiKey, match="set ACME_API_KEY to use"):
        _subclass_of(name)("some-model")


def test_the_endpoint_is_empty_at_the_default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    at_default = create_provider("openai/gpt-4o", {}, {})
    elsewhere = create_provider(
        "openai/gpt-4o", {"openai": {"base_url": "http://user:pw@gateway:8080/v1?k=1"}}, {}
    )
    assert (at_default.endpoint, elsewhere.endpoint) == ("", "http://gateway:8080/v1")
