"""A task's generated inputs: the generator, the fixed seed of every input, validity checks.

Inputs come from the task's `inputs.py` (`generate(size, rng)`, trusted task code run on the
grader's side, never in the sandbox). Every input is fixed by `task.toml` alone:

- differential case `i` of `[differential]` uses size `sizes[i % len(sizes)]` and
  `random.Random("<seed>:<size>:<i>")`;
- the timing input at each `[complexity]` size uses `random.Random(seed * 1_000_003 + size)`.

`tasks check` validates the generator with `check_generator`; `codeeval.task.prepare` builds
the cases and timing inputs that `run`, `grade` and `tasks check` all grade with.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import Any

from codeeval.types import Task

Generate = Callable[[int, random.Random], Any]
Arguments = tuple[Any, ...]

DEFAULT_SEED = 20240601
_PLAIN_SCALARS = (type(None), bool, int, float, complex, str, bytes)


def load_generator(task: Task) -> Generate | None:
    """The task's `generate(size, rng)`, or None for a task without `inputs.py`.

    Raises:
        Exception: whatever `inputs.py` raises on import; TypeError when `generate` is not
            a function.
    """
    if task.inputs is None:
        return None
    namespace: dict[str, Any] = {"__name__": f"codeeval_inputs_{task.id}"}
    exec(compile(task.inputs, f"{task.source or task.id}/inputs.py", "exec"), namespace)
    generate = namespace.get("generate")
    if not callable(generate):
        raise TypeError("inputs.py: generate is not a function")
    return generate  # type: ignore[no-any-return]


def as_arguments(value: Any) -> Arguments:
    """What `generate` returned, as the argument tuple of one call.

    Raises:
        TypeError: the value is not a tuple (or list) of arguments.
    """
    if not isinstance(value, tuple | list):
        raise TypeError(f"generate() must return a tuple of arguments, not {type(value).__name__}")
    return tuple(value)


def differential_seeds(task: Task) -> list[tuple[int, str]]:
    """(size, seed) of each differential case: case i uses size `sizes[i % len(sizes)]`."""
    spec = task.differential
    if spec is None or not spec.sizes:
        return []
    sizes = spec.sizes
    return [
        (sizes[i % len(sizes)], f"{spec.seed}:{sizes[i % len(sizes)]}:{i}")
        for i in range(spec.count)
    ]


def differential_arguments(task: Task) -> list[tuple[int, Arguments]]:
    """(size, argument tuple) of each differential case, in order; [] without a generator.

    Raises:
        Exception: whatever the task's generator raises (run `check_generator` first).
    """
    generate = load_generator(task)
    if generate is None:
        return []
    return [
        (size, as_arguments(generate(size, random.Random(seed))))
        for size, seed in differential_seeds(task)
    ]


def timing_arguments(task: Task) -> list[tuple[int, Arguments]]:
    """(size, argument tuple) at each `[complexity]` size; [] without a generator.

    Raises:
        Exception: whatever the task's generator raises.
    """
    generate = load_generator(task)
    if generate is None:
        return []
    seed = task.differential.seed if task.differential is not None else DEFAULT_SEED
    return [
        (size, as_arguments(generate(size, random.Random(seed * 1_000_003 + size))))
        for size in task.complexity_sizes
    ]


def check_generator(task: Task) -> tuple[str, ...]:
    """Problems with `task`'s `inputs.py`, one line each; empty when it is fine.

    At every differential and complexity size, `generate(size, rng)` must return a tuple of
    plain data, and the same tuple for the same seed.
    """
    try:
        generate = load_generator(task)
    except TypeError as exc:
        return (str(exc),)
    except Exception as exc:  # the task's own file: any failure is its author's to fix
        return (f"inputs.py raises on import: {type(exc).__name__}: {exc}",)
    if generate is None:
        return ()
    sizes = sorted(
        {*(task.differential.sizes if task.differential else ()), *task.complexity_sizes}
    )
    return tuple(problem for size in sizes for problem in _check_size(generate, size))


def _check_size(generate: Generate, size: int) -> Iterable[str]:
    try:
        first = generate(size, random.Random(f"check:{size}"))
        second = generate(size, random.Random(f"check:{size}"))
    except Exception as exc:
        yield f"inputs.py: generate({size}, rng) raises {type(exc).__name__}: {exc}"
        return
    if not isinstance(first, tuple):
        yield f"inputs.py: generate({size}, rng) returns {type(first).__name__}, not a tuple"
    elif not _is_plain(first):
        yield f"inputs.py: generate({size}, rng) returns data that cannot cross the sandbox"
    elif first != second and repr(first) != repr(second):
        yield f"inputs.py: generate({size}, rng) differs between two runs with the same seed"


def _is_plain(value: Any) -> bool:
    """True for the plain data the sandbox boundary carries (recursively)."""
    if isinstance(value, _PLAIN_SCALARS):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_is_plain(k) and _is_plain(v) for k, v in value.items())
    return False
