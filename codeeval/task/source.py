"""What every task source shares: the loader protocol and the content hash.

A task comes from a folder (`codeeval.task.folder`) or from a benchmark: a module
`tasks/<name>.py` (or a third-party entry point in the group `codeeval.benchmarks`) whose
`load()` returns its tasks, with ids `<name>/<id>`, often read from a JSONL file
(`codeeval.task.jsonl`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Protocol

from codeeval.types import Task


class TaskSource(Protocol):
    """What a benchmark module exports as `load`."""

    def __call__(self) -> Iterable[Task]:
        """Return the benchmark's tasks; read shipped data only, never the network."""
        ...


def content_hash(files: Iterable[tuple[str, bytes]]) -> str:
    """sha256 over (name, content) pairs in name order; equal hashes mean identical tasks."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()
