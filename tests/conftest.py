"""Shared fixtures: no real keys, no third-party plug-ins, a temporary store, task factories.

`postgres` is a real PostgreSQL server for the whole session (tests/servers/postgres.py); the
tests that need it skip where the server binaries or the driver are missing, and fail instead
when CODEEVAL_REQUIRE_POSTGRES=1 (as CI sets it). `ray_cluster` is a real Ray cluster of two
worker nodes on this machine (tests/servers/ray_cluster.py), the same way: skipped without the
`ray` extra, a failure instead when CODEEVAL_REQUIRE_RAY=1.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from codeeval.types import Task
from tests.servers.postgres import PostgresServer, find_binaries
from tests.servers.ray_cluster import RayTestCluster

_KEY_SUFFIXES = ("_API_KEY", "_API_TOKEN")
# Read once at import: the autouse fixture below clears CODEEVAL_* for every test.
_REQUIRE_POSTGRES = os.environ.get("CODEEVAL_REQUIRE_POSTGRES", "") == "1"
_REQUIRE_RAY = os.environ.get("CODEEVAL_REQUIRE_RAY", "") == "1"


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


def _no_postgres(reason: str) -> None:
    if _REQUIRE_POSTGRES:
        pytest.fail(f"CODEEVAL_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session, with a password-protected role; stopped after."""
    import importlib.util

    if importlib.util.find_spec("psycopg") is None:
        _no_postgres("the PostgreSQL driver is not installed: pip install 'codeeval[postgres]'")
    bin_dir, why = find_binaries()
    if bin_dir is None:
        _no_postgres(why)
    assert bin_dir is not None
    try:
        server = PostgresServer.start(bin_dir)
    except (RuntimeError, KeyError, OSError) as exc:  # KeyError: no `postgres` user to run as
        _no_postgres(f"cannot start a PostgreSQL server: {exc}")
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres(postgres_server: PostgresServer) -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; the databases a test makes are dropped after it."""
    yield postgres_server
    postgres_server.drop_databases()


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """A SQLAlchemy URL (password included) of a new, empty database for this test."""
    return postgres.url(postgres.new_database())


def _no_ray(reason: str) -> None:
    if _REQUIRE_RAY:
        pytest.fail(f"CODEEVAL_REQUIRE_RAY=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[RayTestCluster]:
    """A Ray cluster for the session: a head and two one-CPU worker nodes; stopped after."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        _no_ray('Ray is not installed: pip install "codeeval[ray]"')
    try:
        cluster = RayTestCluster.start()
    except Exception as exc:
        _no_ray(f"cannot start a Ray cluster: {type(exc).__name__}: {exc}")
        raise
    try:
        yield cluster
    finally:
        cluster.shutdown()
