"""Name → plug-in resolution for every plug point, built-in and third-party alike.

A built-in plug-in's name is its module name (`providers/openai.py` is `openai`), with
underscores written as hyphens (`providers/openai_compatible.py` is `openai-compatible`); modules
whose names start with `_` are helpers, not plug-ins. Listing names imports nothing; a module is
imported only when it is used. Third-party packages register through the entry-point groups
`codeeval.providers`, `codeeval.executors`, `codeeval.renderers` and `codeeval.benchmarks`;
`CODEEVAL_NO_PLUGINS=1` leaves them out (the test suite sets it, so that installed plug-ins
cannot change what it measures).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

from codeeval.errors import BadConfig, UnknownName


@dataclass(frozen=True, slots=True)
class PlugPoint:
    """Where one kind of plug-in lives and what each module exports."""

    kind: str
    package: str
    export: str
    packages_are_plugins: bool = False


PROVIDERS = PlugPoint("provider", "codeeval.providers", "PROVIDER")
EXECUTORS = PlugPoint("executor", "codeeval.sandbox", "EXECUTOR")
RENDERERS = PlugPoint("renderer", "codeeval.reports", "render")
BENCHMARKS = PlugPoint("benchmark", "codeeval.tasks", "load")

_GROUPS = {
    "provider": "codeeval.providers",
    "executor": "codeeval.executors",
    "renderer": "codeeval.renderers",
    "benchmark": "codeeval.benchmarks",
}


def builtin_names(point: PlugPoint) -> list[str]:
    """Names of the built-in plug-ins of `point`, found without importing any of them."""
    package = importlib.import_module(point.package)
    return sorted(
        info.name.replace("_", "-")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_") and info.ispkg == point.packages_are_plugins
    )


@cache
def _entry_points(group: str) -> dict[str, metadata.EntryPoint]:
    return {ep.name: ep for ep in metadata.entry_points(group=group)}


def third_party(point: PlugPoint) -> dict[str, metadata.EntryPoint]:
    """Installed third-party plug-ins of `point`, by name (none under CODEEVAL_NO_PLUGINS)."""
    from codeeval.config import no_plugins_requested

    if no_plugins_requested():
        return {}
    found = _entry_points(_GROUPS[point.kind])
    clashes = sorted(set(found) & set(builtin_names(point)))
    if clashes:
        ep = found[clashes[0]]
        raise BadConfig(
            f"entry point {ep.value!r} (group {ep.group}): name {clashes[0]!r} shadows the "
            f"built-in {point.package}.{clashes[0]}; rename the plug-in"
        )
    return found


def names(point: PlugPoint) -> list[str]:
    """Every usable name of `point`: built-ins and installed third-party plug-ins."""
    return sorted({*builtin_names(point), *third_party(point)})


def resolve(point: PlugPoint, name: str) -> Any:
    """The object plug-in `name` exports for `point`.

    Raises:
        UnknownName: no plug-in of that name; the message lists the known ones.
        BadConfig: a third-party plug-in that cannot be imported (a built-in that cannot is
            a bug, and stays loud).
    """
    if name in builtin_names(point):
        module = importlib.import_module(f"{point.package}.{name.replace('-', '_')}")
        return getattr(module, point.export)
    entry = third_party(point).get(name)
    if entry is None:
        raise UnknownName(point.kind, name, names(point))
    try:
        return entry.load()
    except Exception as exc:  # whatever the plug-in's import raises is the plug-in's problem
        why = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        raise BadConfig(
            f"{point.kind} {name!r} ({origin(point, name)}) cannot be loaded ({why}); "
            "reinstall or uninstall the package that provides it"
        ) from None


def origin(point: PlugPoint, name: str) -> str:
    """Where plug-in `name` comes from, for messages: its module, or its entry point."""
    if name in builtin_names(point):
        return f"module {point.package}.{name.replace('-', '_')}"
    entry = third_party(point).get(name)
    return f"entry point {entry.value!r} in group {entry.group}" if entry else "not installed"


def construct(cls: type, source: str, *args: Any, **options: Any) -> Any:
    """Build `cls(*args, **options)`, first checking option names against its signature.

    Raises:
        BadConfig: an option the constructor does not take; the valid ones are listed.
    """
    parameters = inspect.signature(cls).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    valid = [
        n
        for n, p in parameters.items()
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and n not in ("self", "model")
    ]
    unknown = sorted(set(options) - set(valid))
    if unknown and not takes_any:
        raise BadConfig(f"{source}: {unknown[0]}: unknown option; valid: {', '.join(valid)}")
    return cls(*args, **options)


def options_of(cls: type) -> Mapping[str, Any]:
    """The keyword options a plug-in class takes, with their defaults (for listings)."""
    return {
        n: p.default
        for n, p in inspect.signature(cls).parameters.items()
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and n not in ("self", "model")
    }


def resolve_attribute(point: PlugPoint, name: str, attribute: str) -> Any:
    """Another name exported by plug-in `name`'s module (a renderer's `SUFFIX`, say).

    Raises:
        UnknownName: no plug-in of that name.
    """
    if name in builtin_names(point):
        module = importlib.import_module(f"{point.package}.{name.replace('-', '_')}")
    else:
        entry = third_party(point).get(name)
        if entry is None:
            raise UnknownName(point.kind, name, names(point))
        module = importlib.import_module(entry.module)
    return getattr(module, attribute)
