"""The Executor interface: runs untrusted programs and returns one verdict per job.

Implementations live beside this file (`local.py`, `docker.py`, `ray.py`) or come from third parties
(the `codeeval.executors` entry points); `create_executor` builds one by name, as
`create_provider` builds a provider. Modules whose names start with `_` are the executors'
helpers. An executor never lets the program decide its own verdict: the program only hands
back plain data (return values, exceptions), and the trusted side runs every comparison.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from codeeval import registry
from codeeval.errors import BadConfig
from codeeval.sandbox._codec import CodecError, encode_arguments
from codeeval.types import ExecJob, ExecResult

__all__ = ["CodecError", "Executor", "create_executor", "encode_arguments"]

_MEMBERS = ("run", "close", "isolation")


@runtime_checkable
class Executor(Protocol):
    """Grades jobs; yields exactly one ExecResult per job, in completion order."""

    @property
    def isolation(self) -> Mapping[str, str]:
        """How programs are contained here: each protection, "on ..." or "off: why".

        Keys name protections (the local executor's: `mode`, `pid_namespace`, `seccomp`,
        `cpu_accounting`, ...), each as this machine allowed it. A run stores it with its
        machine fingerprint (`sandbox`), so that its report can say how its programs were
        contained; empty when the executor cannot tell. Reading it may start a worker.
        """
        ...

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        """Grade `jobs`, consuming the iterable lazily, and yield results as they complete."""
        ...

    def close(self) -> None:
        """Stop worker processes and remove temporary files."""
        ...


def create_executor(
    name: str = "local",
    *,
    workers: int | None = None,
    packages: Sequence[str] = (),
    **options: Any,
) -> Executor:
    """Build executor `name` (`local`, `docker`, or a third party's) with its options.

    Args:
        name: the executor, as `--executor` names it.
        workers: jobs graded at once (default: the executor's own, one per CPU for both
            built-in ones).
        packages: installed packages programs may import (`--sandbox-package`); only an
            executor with a `packages` option can expose them.
        **options: the executor's other keyword options (`LocalExecutor`'s `wall_factor`,
            `DockerExecutor`'s `image`, ...).

    Raises:
        UnknownName: no executor of that name; the message lists those there are.
        BadConfig: fewer than one worker, an option the executor does not take (the message
            lists those it takes), packages for an executor that cannot expose them, a
            third-party executor that does not implement `Executor`, or whatever the
            executor's own checks refuse.
    """
    source = f"--executor {name}"
    if workers is not None and workers < 1:
        raise BadConfig(f"{source}: workers: must be at least 1, not {workers}")
    cls = registry.resolve(registry.EXECUTORS, name)
    if workers is not None:
        options["workers"] = workers
    if packages:  # asked for: an executor that cannot expose them refuses
        if "packages" not in registry.options_of(cls):
            raise BadConfig(
                f"--sandbox-package {packages[0]}: {source} cannot expose installed "
                "packages; use --executor local"
            )
        options["packages"] = tuple(packages)
    executor = registry.construct(cls, source, **options)
    # Looked up without being called: the local executor's `isolation` starts a zygote.
    missing = [m for m in _MEMBERS if not _has_static(executor, m)]
    if missing:
        if "close" not in missing:
            executor.close()
        raise BadConfig(
            f"executor {name!r} ({registry.origin(registry.EXECUTORS, name)}) does not "
            f"implement codeeval.sandbox.Executor: it has no {', '.join(missing)}"
        )
    built: Executor = executor
    return built


def _has_static(value: object, member: str) -> bool:
    try:
        inspect.getattr_static(value, member)
    except AttributeError:
        return False
    return True
