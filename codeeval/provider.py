"""The provider contract (`BaseProvider`), model-name parsing, provider construction, helpers."""

from __future__ import annotations

import email.utils
import importlib
import importlib.util
import os
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import urlsplit, urlunsplit

from codeeval import registry
from codeeval.errors import BadConfig, MissingApiKey, MissingDependency, UnknownName
from codeeval.types import Generation, GenerationRequest

if TYPE_CHECKING:
    from codeeval.config import EndpointConfig

# Finish reasons that mean "cut by the token limit", as each vendor spells it (Mistral's
# model_length: the context window ran out).
TRUNCATED_FINISH_REASONS = frozenset(
    {"length", "max_tokens", "MAX_TOKENS", "max_output_tokens", "model_length"}
)

PromptMode = Literal["chat", "completion"]


class BaseProvider(ABC):
    """The base class of every provider: all that the core reads from one, with its default.

    A provider module (`providers/NAME.py`, or a third-party entry point in the group
    `codeeval.providers`) exports a subclass as `PROVIDER`. The registry builds it as
    `cls(model, **options)`, options from `[providers.NAME]` (`base_url`, `api_key_env`, and
    whatever keyword arguments the subclass's `__init__` declares; any other name is refused
    with the list of valid ones). A subclass sets the class attributes that describe it,
    calls `super().__init__(model, base_url=..., api_key_env=...)`, which reads the key and
    the base URL as those attributes say, and implements `generate`.

    `generate` makes exactly one call (the runner owns concurrency, retries and timing; keep
    the SDK's own retries off), returns a `Generation` whose `raw` holds no key, and turns
    every failure into `RateLimited`, `TransientProviderError` or `ProviderError` (built-in
    HTTP providers use `codeeval.providers._errors.HttpErrors` for that).
    """

    # --- read from the class, before anything is built (registry, `providers`) ---------------

    api_key_env: ClassVar[str | None] = None
    """Environment variable holding the API key (`"MISTRAL_API_KEY"`); None: no key at all."""

    api_key_optional: ClassVar[bool] = False
    """Whether the provider works without its key (a local server); a key that is set is sent.
    A variable named by the `api_key_env` option must be set all the same."""

    base_url_env: ClassVar[str | None] = None
    """Environment variable that overrides `default_base_url`; the `base_url` option beats it."""

    default_base_url: ClassVar[str | None] = None
    """The vendor's API, used when neither the `base_url` option nor `base_url_env` gives one."""

    requires_base_url: ClassVar[bool] = False
    """Whether a base URL must be given (a generic gateway has no default to fall back on)."""

    requires_model: ClassVar[bool] = True
    """Whether `NAME/MODEL` must name a model; False where `--model NAME` alone means something."""

    default_model: ClassVar[str | None] = None
    """The model a run without `--model` uses when this provider's key is set (hosted APIs)."""

    sdk_module: ClassVar[str | None] = None
    """The module the provider imports (`"openai"`); `providers` checks that it is installed."""

    extra: ClassVar[str | None] = None
    """The pyproject extra that installs the SDK (`pip install 'codeeval[EXTRA]'`), if any."""

    vendor: ClassVar[str] = ""
    """The name in error messages (`Mistral at https://...: rate limited`); empty: the class's."""

    cacheable: ClassVar[bool] = True
    """Whether a stored answer to the same request may stand in for a new call (response cache);
    False where answering costs nothing and the answer may change (reference, replay)."""

    # --- read from each instance by the runner -------------------------------------------------

    max_concurrency: int = 8
    """Requests in flight at once: the size of the runner's thread pool for this provider."""

    prompt_mode: PromptMode = "chat"
    """`"completion"` for base models: the runner then sends completion-style tasks as code to
    continue and marks requests `mode="completion"`; `"chat"` otherwise."""

    endpoint: str = ""
    """Where the answers come from when the model name alone does not say (a base URL other
    than `default_base_url`); part of the response-cache key, so that two servers that serve
    the same model name never share answers. `__init__` sets it; it never holds a secret."""

    # --- set by `__init__` for the subclass ---------------------------------------------------

    model: str
    """The model name after `NAME/` (may be empty where `requires_model` is False)."""

    base_url: str | None
    """The base URL in use: the option, else `base_url_env`, else `default_base_url`."""

    key_env: str | None
    """The variable the key was read from: the `api_key_env` option, else the class's."""

    api_key: str | None
    """The key, or None where none is needed or set; keep it out of messages, logs and raw."""

    def __init__(
        self, model: str, *, base_url: str | None = None, api_key_env: str | None = None
    ) -> None:
        """Read the key and the base URL as the class attributes say.

        Raises:
            MissingApiKey: the key variable is unset where a key is needed (or was named).
            BadConfig: no base URL where `requires_base_url` is set.
        """
        self.model = model
        self.key_env = api_key_env or self.api_key_env
        self.api_key = self._read_key(required=not self.api_key_optional or bool(api_key_env))
        self.base_url = self._pick_base_url(base_url)
        if self.base_url is None and self.requires_base_url:
            raise self._no_base_url()
        self.endpoint = (
            display_url(self.base_url)
            if self.base_url and self.base_url != self.default_base_url
            else ""
        )

    def _read_key(self, required: bool) -> str | None:
        key = os.environ.get(self.key_env, "").strip() if self.key_env else ""
        if not key and required and self.key_env:
            raise MissingApiKey(self.key_env, self.model)
        return key or None

    def _pick_base_url(self, explicit: str | None) -> str | None:
        """The `base_url` option, else `base_url_env`, else `default_base_url`.

        Override it to read a vendor's own variables (see `providers/ollama.py`).
        """
        from_env = os.environ.get(self.base_url_env, "").strip() if self.base_url_env else ""
        return explicit or from_env or self.default_base_url

    def _no_base_url(self) -> BadConfig:
        where = f" or {self.base_url_env}" if self.base_url_env else ""
        return BadConfig(
            f"{self.display_name}: base_url: not set; give base_url in [providers.NAME] or "
            f"[endpoints.NAME] of codeeval.toml{where}"
        )

    @property
    def display_name(self) -> str:
        """`vendor`, or the class name without `Provider`."""
        return self.vendor or type(self).__name__.removesuffix("Provider")

    @property
    def where(self) -> str:
        """`Vendor at URL` (without user info or query), the prefix of every error message."""
        if self.base_url:
            return f"{self.display_name} at {display_url(self.base_url)}"
        return self.display_name

    @abstractmethod
    def generate(self, request: GenerationRequest) -> Generation:
        """Send `request` once and return the model's answer.

        Raises:
            RateLimited: the vendor asked to slow down (with its Retry-After in seconds).
            TransientProviderError: a failure that may pass (5xx, timeout, lost connection,
                malformed answer).
            ProviderError: any other refusal; the sample is recorded as not generated.
        """

    def close(self) -> None:  # noqa: B027 (optional to override: nothing to release here)
        """Release connections or memory held by the provider (nothing by default)."""


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


def check_prompt_mode(vendor: str, mode: str) -> PromptMode:
    """Validate a `prompt_mode` option: chat models get chat prompts, base models completion.

    Raises:
        BadConfig: neither "chat" nor "completion".
    """
    if mode == "chat":
        return "chat"
    if mode == "completion":
        return "completion"
    raise BadConfig(f"{vendor}: prompt_mode: {mode!r}; use chat or completion")


def default_models(endpoints: Mapping[str, EndpointConfig] | None = None) -> list[str]:
    """`provider/default_model` for every hosted provider whose key is set."""
    return [
        f"{info.name}/{info.default_model}"
        for info in describe_providers(endpoints)
        if info.hosted and info.key_set and info.default_model and info.sdk_installed
    ]


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


def _key_env_of(cls: type[BaseProvider], options: Mapping[str, Any]) -> str | None:
    named: str | None = options.get("api_key_env")
    return named or cls.api_key_env


def _check_key(cls: type[BaseProvider], options: Mapping[str, Any], spec: str) -> None:
    env_var = _key_env_of(cls, options)
    needed = not cls.api_key_optional or bool(options.get("api_key_env"))
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
) -> BaseProvider:
    """Build the provider for a `provider/model` spec or a named endpoint `NAME/model`.

    Options come from `[providers.NAME]`; a named endpoint (`[endpoints.NAME]`) adds its
    `base_url`, `api_key_env` and `options` on top of its provider's.

    Raises:
        UnknownName: neither a provider nor an endpoint is called that; lists both.
        BadConfig: an option the provider does not take, an endpoint that shadows a provider,
            a model name missing where one is needed, or a plug-in that does not subclass
            `BaseProvider`.
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
    if not model and cls.requires_model:
        raise BadConfig(f"--model: {spec!r}: name the model too, e.g. {name}/MODEL")
    _check_key(cls, options, spec)
    provider: BaseProvider = registry.construct(cls, source, model, **options)
    return provider


def _resolve(
    name: str, known: list[str], endpoints: Mapping[str, EndpointConfig]
) -> type[BaseProvider]:
    try:
        found = registry.resolve(registry.PROVIDERS, name)
    except UnknownName:
        raise UnknownName(
            "provider",
            name,
            [*known, *endpoints],
            "Write models as provider/model, or add [endpoints.NAME] to codeeval.toml",
        ) from None
    return provider_class(name, found)


def provider_class(name: str, found: object) -> type[BaseProvider]:
    """`found` (what provider `name`'s module or entry point exports) as a provider class.

    Providers must subclass `BaseProvider`; a duck-typed class is refused rather than guessed
    at, so that every attribute the core reads has one definition and one default.

    Raises:
        BadConfig: `found` is not a `BaseProvider` subclass; the message names its origin.
    """
    if isinstance(found, type) and issubclass(found, BaseProvider):
        return found
    origin = registry.origin(registry.PROVIDERS, name)
    raise BadConfig(
        f"provider {name!r} ({origin}) does not subclass codeeval.provider.BaseProvider; "
        "upgrade the package that provides it, or uninstall it"
    )


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
    infos = [_describe_name(name) for name in registry.names(registry.PROVIDERS)]
    for name, endpoint in sorted((endpoints or {}).items()):
        try:
            found = registry.resolve(registry.PROVIDERS, endpoint.provider)
        except (UnknownName, BadConfig) as exc:
            bad = isinstance(exc, BadConfig)
            note = str(exc) if bad else f"unknown provider {endpoint.provider!r}"
            infos.append(_unusable(name, note, endpoint.provider))
            continue
        cls = _class_or_none(endpoint.provider, found)
        if cls is None:
            infos.append(_unusable(name, _NOT_A_SUBCLASS, endpoint.provider))
            continue
        options = _endpoint_options(name, endpoint, {})
        infos.append(_describe(name, cls, options, provider=endpoint.provider))
    return infos


_NOT_A_SUBCLASS = "not a BaseProvider subclass; upgrade or uninstall the package providing it"


def _class_or_none(name: str, found: object) -> type[BaseProvider] | None:
    try:
        return provider_class(name, found)
    except BadConfig:
        return None


def _unusable(name: str, note: str, provider: str | None = None) -> ProviderInfo:
    return ProviderInfo(name, None, False, False, False, provider=provider, note=note)


def _describe_name(name: str) -> ProviderInfo:
    try:
        found = registry.resolve(registry.PROVIDERS, name)
    except BadConfig as exc:  # a third-party plug-in that cannot be imported
        return _unusable(name, str(exc))
    cls = _class_or_none(name, found)
    return _unusable(name, _NOT_A_SUBCLASS) if cls is None else _describe(name, cls, {})


def _describe(
    name: str, cls: type[BaseProvider], options: Mapping[str, Any], provider: str | None = None
) -> ProviderInfo:
    env_var = _key_env_of(cls, options)
    key_set = key_is_set(env_var)
    installed = sdk_installed(cls.sdk_module)
    needs_key = bool(env_var) and not cls.api_key_optional
    base_url = options.get("base_url") or cls.default_base_url
    note = ""
    if cls.requires_base_url and not base_url and not key_is_set(cls.base_url_env):
        note = f"needs base_url (option or {cls.base_url_env})"
    elif needs_key and not key_set:
        note = f"set {env_var}"
    elif not installed:
        note = f"pip install 'codeeval[{cls.extra}]'" if cls.extra else "SDK not installed"
    return ProviderInfo(
        name=name,
        api_key_env=env_var,
        key_set=key_set,
        sdk_installed=installed,
        ready=not note,
        extra=cls.extra,
        default_base_url=base_url,
        base_url_env=cls.base_url_env,
        provider=provider,
        note=note,
        hosted=needs_key,
        default_model=cls.default_model,
    )
