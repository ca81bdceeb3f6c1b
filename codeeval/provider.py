"""The Provider interface, model-name parsing, provider construction and shared helpers."""

from __future__ import annotations

import email.utils
import importlib
import importlib.util
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

from codeeval import registry
from codeeval.errors import BadConfig, MissingApiKey, MissingDependency, UnknownName
from codeeval.types import Generation, GenerationRequest

if TYPE_CHECKING:
    from codeeval.config import EndpointConfig

# Finish reasons that mean "cut by the token limit", as each vendor spells it.
TRUNCATED_FINISH_REASONS = frozenset({"length", "max_tokens", "MAX_TOKENS", "max_output_tokens"})


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


def sdk_installed(module: str | None) -> bool:
    """Whether `module` can be imported, found without importing it."""
    if module is None:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110).

    Returns None when the header is absent or unreadable; a date in the past gives 0.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds) if seconds == seconds and seconds != float("inf") else None


def retry_after_from_headers(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from response headers: `retry-after-ms` (OpenAI) or `retry-after`."""
    if headers is None:
        return None
    millis = parse_retry_after(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    return parse_retry_after(headers.get("retry-after"))


_KEY_LIKE = re.compile(r"\b(sk|key|AIza)[-_A-Za-z0-9]{16,}")


def redact(text: str, *secrets: str | None) -> str:
    """`text` with each secret, and anything shaped like an API key, replaced by `[redacted]`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _KEY_LIKE.sub("[redacted]", text)


def display_url(url: str) -> str:
    """`url` without user info or query string, fit for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def is_truncated(generation: Generation) -> bool:
    """Whether the answer was cut by the token limit, whatever the vendor calls that."""
    return generation.finish_reason in TRUNCATED_FINISH_REASONS


class Stopwatch:
    """Latency and time to first token of one call, on the monotonic clock."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first_token_s: float | None = None

    def token(self) -> None:
        """Note that output arrived; only the first call counts."""
        if self.first_token_s is None:
            self.first_token_s = time.perf_counter() - self.started

    def elapsed_s(self) -> float:
        """Seconds since the stopwatch started."""
        return time.perf_counter() - self.started


def check_prompt_mode(vendor: str, mode: str) -> str:
    """Validate a `prompt_mode` option: chat models get chat prompts, base models completion.

    Raises:
        BadConfig: neither "chat" nor "completion".
    """
    if mode not in ("chat", "completion"):
        raise BadConfig(f"{vendor}: prompt_mode: {mode!r}; use chat or completion")
    return mode


def default_models(endpoints: Mapping[str, EndpointConfig] | None = None) -> list[str]:
    """`provider/default_model` for every hosted provider whose key is set."""
    return [
        f"{info.name}/{info.default_model}"
        for info in describe_providers(endpoints)
        if info.hosted and info.key_set and info.default_model and info.sdk_installed
    ]


class StaticProvider:
    """Base for providers that need no key and make no network call (reference, replay)."""

    api_key_env: ClassVar[str | None] = None
    max_concurrency: ClassVar[int] = 8
    requires_model: ClassVar[bool] = False

    def close(self) -> None:
        """Nothing to release."""


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    """One line of `python -m codeeval providers`: what a provider needs and whether it has it."""

    name: str
    api_key_env: str | None
    key_set: bool
    sdk_installed: bool
    ready: bool
    extra: str | None = None
    default_base_url: str | None = None
    base_url_env: str | None = None
    provider: str | None = None  # for a named endpoint: the provider it uses
    note: str = ""
    hosted: bool = False  # a paid API that needs a key (used when no --model is given)
    default_model: str | None = None  # `NAME/default_model` is what such a run uses


def _key_env_of(cls: type, options: Mapping[str, Any]) -> str | None:
    return options.get("api_key_env") or getattr(cls, "api_key_env", None)


def _key_needed(cls: type) -> bool:
    return not getattr(cls, "api_key_optional", False)


def _check_key(cls: type, options: Mapping[str, Any], spec: str) -> None:
    env_var = _key_env_of(cls, options)
    needed = _key_needed(cls) or bool(options.get("api_key_env"))
    if env_var and needed and not key_is_set(env_var):
        raise MissingApiKey(env_var, spec)


def _endpoint_options(
    name: str, endpoint: EndpointConfig, provider_options: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    options = {**provider_options.get(endpoint.provider, {}), **endpoint.options}
    if endpoint.base_url is not None:
        options["base_url"] = endpoint.base_url
    if endpoint.api_key_env is not None:
        options["api_key_env"] = endpoint.api_key_env
    return options


def create_provider(
    spec: str,
    provider_options: Mapping[str, Mapping[str, Any]],
    endpoints: Mapping[str, EndpointConfig],
) -> Provider:
    """Build the provider for a `provider/model` spec or a named endpoint `NAME/model`.

    Options come from `[providers.NAME]`; a named endpoint (`[endpoints.NAME]`) adds its
    `base_url`, `api_key_env` and `options` on top of its provider's.

    Raises:
        UnknownName: neither a provider nor an endpoint is called that; lists both.
        BadConfig: an option the provider does not take, an endpoint that shadows a provider,
            or a model name missing where one is needed.
        MissingApiKey: the key variable is unset; the message names it.
        MissingDependency: the provider's SDK or extra is not installed.
    """
    name, model = split_model(spec)
    known = registry.names(registry.PROVIDERS)
    if name in endpoints:
        _check_endpoint_name(name, known)
        endpoint = endpoints[name]
        source = f"[endpoints.{name}]"
        options = _endpoint_options(name, endpoint, provider_options)
        cls = _resolve(endpoint.provider, known, endpoints)
    else:
        source = f"[providers.{name}]"
        cls = _resolve(name, known, endpoints)
        options = dict(provider_options.get(name, {}))
    if not model and getattr(cls, "requires_model", True):
        raise BadConfig(f"--model: {spec!r}: name the model too, e.g. {name}/MODEL")
    _check_key(cls, options, spec)
    provider: Provider = registry.construct(cls, source, model, **options)
    return provider


def _resolve(name: str, known: list[str], endpoints: Mapping[str, EndpointConfig]) -> type:
    try:
        cls: type = registry.resolve(registry.PROVIDERS, name)
    except UnknownName:
        raise UnknownName(
            "provider",
            name,
            [*known, *endpoints],
            "Write models as provider/model, or add [endpoints.NAME] to codeeval.toml",
        ) from None
    return cls


def _check_endpoint_name(name: str, known: Sequence[str]) -> None:
    if name in known:
        raise BadConfig(f"[endpoints.{name}]: shadows the provider {name!r}; rename the endpoint")


def describe_providers(endpoints: Mapping[str, EndpointConfig] | None = None) -> list[ProviderInfo]:
    """Every provider and named endpoint, with its key variable and whether it is ready.

    Ready means the key is set (or none is needed) and the SDK or extra is installed. Only
    provider modules are imported (they import their SDKs lazily), never an SDK.

    Raises:
        BadConfig: a third-party plug-in shadows a built-in provider, or an endpoint a provider.
    """
    known = registry.names(registry.PROVIDERS)
    for name in endpoints or {}:
        _check_endpoint_name(name, known)
    infos = [
        _describe(name, registry.resolve(registry.PROVIDERS, name), {})
        for name in registry.names(registry.PROVIDERS)
    ]
    for name, endpoint in sorted((endpoints or {}).items()):
        try:
            cls = registry.resolve(registry.PROVIDERS, endpoint.provider)
        except UnknownName:
            infos.append(
                ProviderInfo(
                    name,
                    None,
                    False,
                    False,
                    False,
                    provider=endpoint.provider,
                    note=f"unknown provider {endpoint.provider!r}",
                )
            )
            continue
        options = _endpoint_options(name, endpoint, {})
        infos.append(_describe(name, cls, options, provider=endpoint.provider))
    return infos


def _describe(
    name: str, cls: type, options: Mapping[str, Any], provider: str | None = None
) -> ProviderInfo:
    env_var = _key_env_of(cls, options)
    key_set = key_is_set(env_var)
    installed = sdk_installed(getattr(cls, "sdk_module", None))
    needs_key = bool(env_var) and _key_needed(cls)
    base_url_env = getattr(cls, "base_url_env", None)
    base_url = options.get("base_url") or getattr(cls, "default_base_url", None)
    note = ""
    if getattr(cls, "requires_base_url", False) and not base_url and not key_is_set(base_url_env):
        note = f"needs base_url (option or {base_url_env})"
    elif needs_key and not key_set:
        note = f"set {env_var}"
    elif not installed:
        extra = getattr(cls, "extra", None)
        note = f"pip install 'codeeval[{extra}]'" if extra else "SDK not installed"
    return ProviderInfo(
        name=name,
        api_key_env=env_var,
        key_set=key_set,
        sdk_installed=installed,
        ready=not note,
        extra=getattr(cls, "extra", None),
        default_base_url=base_url,
        base_url_env=base_url_env,
        provider=provider,
        note=note,
        hosted=needs_key,
        default_model=getattr(cls, "default_model", None),
    )
