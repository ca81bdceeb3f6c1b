"""The Provider interface, model-name parsing and the helpers every provider uses."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from types import ModuleType
from typing import Any, ClassVar, Protocol, runtime_checkable

from codeeval.config import EndpointConfig
from codeeval.errors import BadConfig, MissingApiKey, MissingDependency, UnknownName
from codeeval.types import Generation, GenerationRequest


@runtime_checkable
class Provider(Protocol):
    """Sends one request to a model and returns its answer.

    Implementations are built as `cls(model, base_url=..., **options)`, make exactly one call
    per `generate` (the runner owns concurrency, retries and timing), turn vendor failures into
    `RateLimited`, `TransientProviderError` or `ProviderError`, and keep their SDK's own
    retries off.
    """

    api_key_env: ClassVar[str | None]
    max_concurrency: ClassVar[int]

    def generate(self, request: GenerationRequest) -> Generation:
        """Send `request` once and return the model's answer."""
        ...

    def close(self) -> None:
        """Release connections or memory held by the provider."""
        ...


def split_model(spec: str) -> tuple[str, str]:
    """Split `provider/model` at the first slash: `hf/Qwen/Qwen2.5-0.5B` → (`hf`, `Qwen/...`).

    A bare provider name (`reference`) yields an empty model name.

    Raises:
        BadConfig: the spec is empty or starts with a slash.
    """
    provider, _, model = spec.strip().partition("/")
    if not provider:
        raise BadConfig(f"--model: {spec!r}: write models as provider/model, e.g. openai/gpt-4o")
    return provider, model


def api_key_from_env(env_var: str, model: str) -> str:
    """Read an API key from the environment; keys are never stored anywhere else.

    Raises:
        MissingApiKey: the variable is unset or empty.
    """
    key = os.environ.get(env_var, "").strip()
    if not key:
        raise MissingApiKey(env_var, model)
    return key


def key_is_set(env_var: str | None) -> bool:
    """Whether `env_var` holds a non-empty value (True for providers that need no key)."""
    return env_var is None or bool(os.environ.get(env_var, "").strip())


def import_sdk(module: str, extra: str | None = None, package: str | None = None) -> ModuleType:
    """Import a vendor SDK lazily, turning its absence into a one-line install hint.

    Raises:
        MissingDependency: the module cannot be imported.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(package or module, extra) from exc


class StaticProvider:
    """Base for providers that need no key and make no network call (reference, replay)."""

    api_key_env: ClassVar[str | None] = None
    max_concurrency: ClassVar[int] = 8

    def close(self) -> None:
        """Nothing to release."""


def create_provider(
    spec: str,
    provider_options: Mapping[str, Mapping[str, Any]],
    endpoints: Mapping[str, EndpointConfig],
) -> Provider:
    """Build the provider for `provider/model`, or for a named endpoint `NAME/model`.

    Raises:
        UnknownName: no such provider or endpoint.
        BadConfig: an option the provider does not take.
        MissingApiKey: the provider's key variable is not set.
    """
    from codeeval import registry

    name, model = split_model(spec)
    if name in endpoints:
        endpoint = endpoints[name]
        cls = registry.resolve(registry.PROVIDERS, endpoint.provider)
        options = {**provider_options.get(endpoint.provider, {}), **endpoint.options}
        if endpoint.base_url:
            options["base_url"] = endpoint.base_url
        if endpoint.api_key_env:
            options["api_key_env"] = endpoint.api_key_env
        source = f"[endpoints.{name}]"
    else:
        try:
            cls = registry.resolve(registry.PROVIDERS, name)
        except UnknownName as exc:
            raise UnknownName(
                "provider", name, [*exc.known, *endpoints], "see: codeeval providers"
            ) from None
        options = dict(provider_options.get(name, {}))
        source = f"[providers.{name}]"
    provider: Provider = registry.construct(cls, source, model, **options)
    return provider


def default_models() -> list[str]:
    """`provider/default_model` for every hosted provider whose key is set."""
    from codeeval import registry

    found = []
    for name in registry.names(registry.PROVIDERS):
        cls = registry.resolve(registry.PROVIDERS, name)
        key_env = getattr(cls, "api_key_env", None)
        default = getattr(cls, "default_model", None)
        if key_env and default and key_is_set(key_env):
            found.append(f"{name}/{default}")
    return found
