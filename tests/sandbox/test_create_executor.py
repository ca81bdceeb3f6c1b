"""`create_executor`: an executor by name, its options checked, as `create_provider` does."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeeval import registry
from codeeval.errors import BadConfig, UnknownName
from codeeval.sandbox import Executor, create_executor
from codeeval.sandbox.local import LocalExecutor

PLUGIN = '''
class LegacyExecutor:
    """Written before executors declared how they contain programs."""

    closed = False

    def __init__(self, *, workers=None):
        self.workers = workers

    def run(self, jobs):
        return iter(())

    def close(self):
        LegacyExecutor.closed = True


class DescribedExecutor(LegacyExecutor):
    def __init__(self, *, workers=None):
        super().__init__(workers=workers)
        self.isolation = {"mode": "none: a plug-in that contains nothing"}
'''


def test_the_local_executor_is_built_with_its_options() -> None:
    executor = create_executor("local", workers=1, wall_factor=5)
    try:
        assert isinstance(executor, LocalExecutor)
        assert executor.workers == 1 and executor.options.wall_factor == 5
        assert executor._clients == []  # nothing started: `isolation` was not read
    finally:
        executor.close()


@pytest.mark.parametrize(
    ("workers", "processes", "expected"),
    [(2, None, True), (1, None, False), (2, False, False), (1, True, True)],
)
def test_workers_are_processes_when_there_are_several_unless_told(
    workers: int, processes: bool | None, expected: bool
) -> None:
    with create_executor("local", workers=workers, processes=processes) as executor:
        assert isinstance(executor, LocalExecutor)
        assert executor._use_processes is expected
        assert executor._processes == []  # forked when the first job comes


def test_a_processes_setting_that_is_not_a_boolean_is_refused_in_one_line() -> None:
    with pytest.raises(BadConfig) as raised:
        create_executor("local", processes="maybe")
    assert str(raised.value) == "--executor local: processes: true or false, not 'maybe'"


def test_an_option_the_executor_does_not_take_is_refused_in_one_line() -> None:
    with pytest.raises(BadConfig) as raised:
        create_executor("local", wal_factor=5)
    message = str(raised.value)
    assert message.startswith("--executor local: wal_factor: unknown option; valid: workers, ")
    assert "wall_factor" in message and "\n" not in message


def test_an_unknown_executor_is_refused_with_the_names_there_are() -> None:
    with pytest.raises(UnknownName) as raised:
        create_executor("podman")
    assert "'podman'" in str(raised.value)
    assert "docker" in str(raised.value) and "local" in str(raised.value)


def test_an_image_reaches_the_docker_executor_and_no_other() -> None:
    from codeeval.config import RunOptions

    # A configured image ([executors.docker], --docker-image) must not stop a local run.
    images = {"docker": {"image": "python:3.12-slim"}}
    executor = RunOptions(executor="local", workers=1, executor_options=images).create_executor()
    try:
        assert isinstance(executor, LocalExecutor)
    finally:
        executor.close()
    # The Docker executor gets it: with no engine (none on PATH here), its check names it.
    with pytest.raises(BadConfig, match="^--executor docker: no no-such-docker command"):
        RunOptions(
            executor="docker",
            executor_options={"docker": {"image": "python:3.12-slim", "docker": "no-such-docker"}},
        ).create_executor()
    # Given straight to an executor that takes no image, it is an unknown option.
    with pytest.raises(BadConfig, match="image"):
        create_executor("local", workers=1, image="python:3.12-slim")


def test_packages_are_refused_by_an_executor_that_cannot_expose_them() -> None:
    # Refused before the executor is built: no Docker engine is needed to say so.
    with pytest.raises(BadConfig) as raised:
        create_executor("docker", packages=["numpy"])
    assert str(raised.value) == (
        "--sandbox-package numpy: --executor docker cannot expose installed packages; "
        "use --executor local"
    )


@pytest.mark.parametrize("name", ["local", "docker"])
def test_fewer_than_one_worker_is_refused_by_every_executor(name: str) -> None:
    with pytest.raises(
        BadConfig, match=rf"^--executor {name}: workers: must be at least 1, not 0$"
    ):
        create_executor(name, workers=0)


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two third-party executors, installed as a distribution with entry points."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "codeeval_executors.py").write_text(PLUGIN)
    info = site / "codeeval_executors-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: codeeval-executors\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[codeeval.executors]\n"
        "legacy = codeeval_executors:LegacyExecutor\n"
        "described = codeeval_executors:DescribedExecutor\n"
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("CODEEVAL_NO_PLUGINS", "0")
    registry._entry_points.cache_clear()
    yield
    registry._entry_points.cache_clear()
    sys.modules.pop("codeeval_executors", None)


@pytest.mark.usefixtures("plugins")
def test_a_third_party_executor_is_built_by_name() -> None:
    executor = create_executor("described", workers=2)
    assert isinstance(executor, Executor)
    assert executor.isolation == {"mode": "none: a plug-in that contains nothing"}
    assert type(executor).__name__ == "DescribedExecutor"


@pytest.mark.usefixtures("plugins")
def test_a_third_party_executor_without_isolation_is_refused_in_one_line() -> None:
    with pytest.raises(BadConfig) as raised:
        create_executor("legacy")
    assert str(raised.value) == (
        "executor 'legacy' (entry point 'codeeval_executors:LegacyExecutor' in group "
        "codeeval.executors) does not implement codeeval.sandbox.Executor: it has no isolation"
    )
    import codeeval_executors  # type: ignore[import-not-found]

    assert codeeval_executors.LegacyExecutor.closed  # built, then closed again
