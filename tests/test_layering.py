"""Imports point inward: an ast walk of the four source folders checks the module map."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {
    "codeeval": "codeeval",
    "providers": "codeeval.providers",
    "tasks": "codeeval.tasks",
    "reports": "codeeval.reports",
}
PLUGINS = ("codeeval.providers", "codeeval.tasks", "codeeval.reports")
EXECUTOR_IMPLS = ("codeeval.sandbox.local", "codeeval.sandbox.docker", "codeeval.sandbox.ray")
CORE_ONLY = ("codeeval.runner", "codeeval.cli", "codeeval.store", "codeeval.grading")

# module prefix -> imports it must not make
RULES: dict[str, tuple[str, ...]] = {
    "codeeval.types": ("codeeval.",),
    "codeeval.errors": ("codeeval.",),
    # Shared by extract, scoring and task: the standard library only.
    "codeeval.syntax_trees": ("codeeval.",),
    # The Ray connection: shared by the Ray executor and hf/ replicas, so it knows neither.
    "codeeval.cluster": (*PLUGINS, *CORE_ONLY, "codeeval.sandbox", "codeeval.provider"),
    "codeeval.scoring": (
        *PLUGINS,
        "codeeval.store",
        "codeeval.sandbox",
        "codeeval.runner",
        "codeeval.cli",
        "codeeval.provider",
    ),
    "codeeval.extract": (
        *PLUGINS,
        "codeeval.store",
        "codeeval.sandbox",
        "codeeval.runner",
        "codeeval.cli",
        "codeeval.scoring",
    ),
    # Executors are built from names and options (`create_executor`), never from a RunConfig.
    "codeeval.sandbox": (
        *PLUGINS,
        "codeeval.store",
        "codeeval.scoring",
        "codeeval.runner",
        "codeeval.cli",
        "codeeval.provider",
        "codeeval.config",
    ),
    "codeeval.provider": (*PLUGINS, *CORE_ONLY, "codeeval.sandbox"),
    "codeeval.task": (*PLUGINS, *CORE_ONLY, "codeeval.sandbox", "codeeval.provider"),
    # Like the runner: the Executor protocol only, never an implementation or the store.
    "codeeval.task.prepare": (
        *PLUGINS,
        *EXECUTOR_IMPLS,
        *CORE_ONLY,
        "codeeval.provider",
        "codeeval.scoring",
    ),
    # Like the runner, but it also judges slow mutants' measured time complexity (scoring).
    "codeeval.task.check": (
        *PLUGINS,
        *EXECUTOR_IMPLS,
        *CORE_ONLY,
        "codeeval.provider",
    ),
    "codeeval.prompting": (*PLUGINS, *CORE_ONLY, "codeeval.sandbox", "codeeval.scoring"),
    "codeeval.retry": (*PLUGINS, *CORE_ONLY, "codeeval.sandbox", "codeeval.scoring"),
    "codeeval.pricing": (
        *PLUGINS,
        *CORE_ONLY,
        "codeeval.sandbox",
        "codeeval.scoring",
        "codeeval.provider",
    ),
    "codeeval.report": (
        *PLUGINS,
        "codeeval.runner",
        "codeeval.nightly",
        "codeeval.cli",
        "codeeval.grading",
        "codeeval.store.sql",
        "codeeval.sandbox",
    ),
    "codeeval.store": (
        *PLUGINS,
        "codeeval.sandbox",
        "codeeval.scoring",
        "codeeval.runner",
        "codeeval.cli",
    ),
    "codeeval.providers": (
        *CORE_ONLY,
        "codeeval.sandbox",
        "codeeval.scoring",
        "codeeval.reports",
        "codeeval.tasks",
    ),
    "codeeval.tasks": (*CORE_ONLY, "codeeval.providers", "codeeval.scoring", "codeeval.reports"),
    "codeeval.reports": (
        *CORE_ONLY,
        "codeeval.providers",
        "codeeval.scoring",
        "codeeval.tasks",
        "codeeval.sandbox",
    ),
    # What library code subclasses: the value types, nothing that does work.
    "codeeval.listener": (
        *PLUGINS,
        *CORE_ONLY,
        "codeeval.sandbox",
        "codeeval.provider",
        "codeeval.scoring",
        "codeeval.config",
    ),
    "codeeval.machine": (
        *PLUGINS,
        "codeeval.runner",
        "codeeval.cli",
        "codeeval.sandbox",
        "codeeval.provider",
    ),
    "codeeval.runner": (*PLUGINS, *EXECUTOR_IMPLS, "codeeval.cli", "codeeval.evaluation"),
    # The library's entry point: the CLI is built on it, never the other way.
    "codeeval.evaluation": (
        *PLUGINS,
        *EXECUTOR_IMPLS,
        "codeeval.cli",
        "codeeval.console",
        "codeeval.nightly",
    ),
    # The night on top of evaluate and the report; the CLI is built on it, never the other way.
    "codeeval.nightly": (
        *PLUGINS,
        *EXECUTOR_IMPLS,
        "codeeval.cli",
        "codeeval.console",
        "codeeval.runner",
        "codeeval.store.sql",
    ),
    "codeeval.cli": (*PLUGINS, *EXECUTOR_IMPLS),
    "codeeval.console": (*PLUGINS, *EXECUTOR_IMPLS),
    "codeeval.grading": (*PLUGINS, *EXECUTOR_IMPLS, "codeeval.store", "codeeval.runner"),
}


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = [FOLDERS[relative.parts[0]], *relative.parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.Module, module: str) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _sources() -> list[Path]:
    return [
        path
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "__pycache__" not in path.parts
    ]


def _rule_for(module: str) -> tuple[str, tuple[str, ...]] | None:
    matches = [prefix for prefix in RULES if module == prefix or module.startswith(prefix + ".")]
    return (max(matches, key=len), RULES[max(matches, key=len)]) if matches else None


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_inward(path: Path) -> None:
    module = _module_name(path)
    rule = _rule_for(module)
    if rule is None:
        return
    prefix, forbidden = rule
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [
        name
        for name in _imports(tree, module)
        for banned in forbidden
        if (
            name == banned.rstrip(".")
            or name.startswith(banned if banned.endswith(".") else banned + ".")
            or name == banned
        )
        and not name.startswith(prefix)
    ]
    if module.startswith("codeeval.providers."):
        own = module.rsplit(".", 1)[-1]
        bad += [
            name
            for name in _imports(tree, module)
            if name.startswith("codeeval.providers.")
            and not name.split(".")[2].startswith("_")
            and name.split(".")[2] != own
        ]
    assert not bad, f"{module} must not import {sorted(set(bad))}"


def test_rules_cover_every_core_module() -> None:
    core = {_module_name(p) for p in _sources() if _module_name(p).startswith("codeeval.")}
    unruled = sorted(
        m
        for m in core
        if _rule_for(m) is None
        and m not in ("codeeval", "codeeval.__main__", "codeeval.registry", "codeeval.config")
    )
    assert not unruled, f"add layering rules for {unruled}"


def test_the_module_map_names_every_sandbox_module_and_no_other() -> None:
    """docs/architecture.md and the package docstring name the sandbox's modules as they are."""
    import codeeval.sandbox

    folder = ROOT / "codeeval" / "sandbox"
    modules = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text[text.index("\n  sandbox/") : text.index("\n  store/")]
    named = set(re.findall(r"(?<![\w/-])(_[a-z_]+)\b", block))
    named |= {name[:-3] for name in re.findall(r"\b([a-z_]+\.py)\b", block)}
    assert named == modules, (
        f"missing: {sorted(modules - named)}; no such: {sorted(named - modules)}"
    )
    docstring = codeeval.sandbox.__doc__ or ""
    assert set(re.findall(r"`([a-z_]+)\.py`", docstring)) <= modules
