"""Shared fixtures: no real keys, no third-party plug-ins, a temporary store, task factories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from codeeval import registry
from codeeval.types import Task

_KEY_SUFFIXES = ("_API_KEY", "_API_TOKEN")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run slow tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip_slow = pytest.mark.skip(reason="slow; run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Real API keys and user config never leak into a test; plug-ins stay off."""
    for name in list(os.environ):
        if name.endswith(_KEY_SUFFIXES) or name.startswith("CODEEVAL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CODEEVAL_NO_PLUGINS", "1")
    empty = tmp_path_factory.mktemp("config") / "codeeval.toml"  # named, so it must exist
    empty.write_text("")
    monkeypatch.setenv("CODEEVAL_CONFIG", str(empty))
    monkeypatch.setattr(registry, "load_entry_points", False)
    yield


@pytest.fixture
def make_task() -> Callable[..., Task]:
    """Factory for small in-memory tasks: `make_task(reference=..., tests=...)`."""

    def factory(
        task_id: str = "double",
        entry_point: str = "double",
        reference: str = "def double(x):\n    return 2 * x\n",
        tests: str = (
            "def test_small(candidate):\n    assert candidate(2) == 4\n\n"
            "def test_negative(candidate):\n    assert candidate(-3) == -6\n"
        ),
        prompt: str = "Write double(x) returning 2 * x.",
        **fields: object,
    ) -> Task:
        return Task(
            id=task_id,
            prompts={"en": prompt},
            entry_point=entry_point,
            reference=reference,
            tests=tests,
            content_hash=f"hash-{task_id}",
            **fields,  # type: ignore[arg-type]
        )

    return factory
