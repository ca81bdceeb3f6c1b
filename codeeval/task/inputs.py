"""A task's generated inputs: the generators, the fixed seed of every input, validity checks.

Inputs come from the task's `inputs.py` (trusted task code, run on the grader's side, never
in the sandbox): `generate(size, rng)` makes the differential cases and the timing family
"random"; a dict `FAMILIES = {"sorted": sorted_input, ...}` of more `(size, rng)` functions
names other timing families (worst cases for typical mistakes: sorted input for a
first-element pivot, a wide graph for `list.pop(0)` in a BFS). `FAMILIES["random"]`, when
given, replaces `generate` for timing (for a task whose test inputs vary in ways that the
size does not fix, such as a random amount). Every input is fixed by `task.toml` alone:

- differential case `i` of `[differential]` uses size `sizes[i % len(sizes)]` and
  `random.Random("<seed>:<size>:<i>")`;
- the timing input of family "random" at each `[complexity]` size uses
  `random.Random(seed * 1_000_003 + size)`, that of another family
  `random.Random("<seed>:<family>:<size>")`.

`tasks check` validates the generators with `check_generator`; `codeeval.task.prepare` builds
the cases and timing inputs that `run`, `grade` and `tasks check` all grade with.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from typing import Any

from codeeval.types import Task

Generate = Callable[[int, random.Random], Any]
Arguments = tuple[Any, ...]

DEFAULT_SEED = 20240601
RANDOM_FAMILY = "random"
MAX_FAMILIES = 8
_FAMILY_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
_PLAIN_SCALARS = (type(None), bool, int, float, complex, str, bytes)


class GeneratorError(Exception):
    """A generator failed; the message names the family and size (a task's problem)."""


def _load_namespace(task: Task) -> dict[str, Any] | None:
    if task.inputs is None:
        return None
    namespace: dict[str, Any] = {"__name__": f"codeeval_inputs_{task.id}"}
    exec(compile(task.inputs, f"{task.source or task.id}/inputs.py", "exec"), namespace)
    if not callable(namespace.get("generate")):
        raise TypeError("inputs.py: generate is not a function")
    return namespace


def load_generator(task: Task) -> Generate | None:
    """The task's `generate(size, rng)`, or None for a task without `inputs.py`.

    Raises:
        Exception: whatever `inputs.py` raises on import; TypeError when `generate` is not
            a function.
    """
    namespace = _load_namespace(task)
    return None if namespace is None else namespace["generate"]


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


def load_families(task: Task) -> dict[str, Generate]:
    """The task's timing families by name, "random" first; {} without inputs.py.

    "random" is `generate`, unless `FAMILIES` names its own "random".

    Raises:
        Exception: whatever `inputs.py` raises on import; TypeError when `generate` or
            `FAMILIES` is malformed (the message says how).
    """
    namespace = _load_namespace(task)
    if namespace is None:
        return {}
    families: dict[str, Generate] = {RANDOM_FAMILY: namespace["generate"]}
    extra = namespace.get("FAMILIES", {})
    if not isinstance(extra, dict):
        raise TypeError("inputs.py: FAMILIES must be a dict of name -> function(size, rng)")
    if len(extra) > MAX_FAMILIES:
        raise TypeError(f"inputs.py: FAMILIES names more than {MAX_FAMILIES} families")
    for name, function in extra.items():
        if not isinstance(name, str) or not _FAMILY_NAME.fullmatch(name):
            raise TypeError(
                f"inputs.py: FAMILIES: {name!r} is not a family name (lower-case letters, "
                "digits and _, a letter first)"
            )
        if not callable(function):
            raise TypeError(f"inputs.py: FAMILIES[{name!r}] is not a function")
        families[name] = function
    return families


def timing_seed(task: Task, family: str, size: int) -> random.Random:
    """The generator of family `family`'s timing input at `size` (see the module docstring)."""
    seed = task.differential.seed if task.differential is not None else DEFAULT_SEED
    if family == RANDOM_FAMILY:
        return random.Random(seed * 1_000_003 + size)
    return random.Random(f"{seed}:{family}:{size}")


def timing_arguments(task: Task) -> list[tuple[str, list[tuple[int, Arguments]]]]:
    """(family, [(size, argument tuple) at each `[complexity]` size]) of every family.

    Empty without a generator or without complexity sizes.

    Raises:
        GeneratorError: a generator raised or returned something else than a tuple; the
            message names the family and the size.
        Exception: whatever `inputs.py` raises on import.
    """
    if not task.complexity_sizes:
        return []
    found = []
    base = load_generator(task)
    for family, generate in load_families(task).items():
        name = "generate" if generate is base else f"FAMILIES[{family!r}]"
        points = [
            (size, _call(generate, name, size, timing_seed(task, family, size)))
            for size in task.complexity_sizes
        ]
        found.append((family, points))
    return found


def _call(generate: Generate, name: str, size: int, rng: random.Random) -> Arguments:
    try:
        return as_arguments(generate(size, rng))
    except Exception as exc:
        raise GeneratorError(f"{name}({size}, rng) raises {type(exc).__name__}: {exc}") from exc


def check_generator(task: Task) -> tuple[str, ...]:
    """Problems with `task`'s `inputs.py`, one line each; empty when it is fine.

    At every differential and complexity size, `generate(size, rng)` must return a tuple of
    plain data, and the same tuple for the same seed; so must every function of `FAMILIES`
    at every complexity size.
    """
    try:
        families = load_families(task)
    except TypeError as exc:
        return (str(exc),)
    except Exception as exc:  # the task's own file: any failure is its author's to fix
        return (f"inputs.py raises on import: {type(exc).__name__}: {exc}",)
    if not families:
        return ()
    sizes = sorted(
        {*(task.differential.sizes if task.differential else ()), *task.complexity_sizes}
    )
    generate = load_generator(task)
    if generate is None:  # pragma: no cover - there are families, so there is inputs.py
        return ()
    problems = [p for size in sizes for p in _check_size(generate, "", size)]
    for family, function in families.items():
        if function is not generate:
            for size in task.complexity_sizes:
                problems += _check_size(function, family, size)
    return tuple(problems)


def _check_size(generate: Generate, family: str, size: int) -> Iterable[str]:
    call = f"FAMILIES[{family!r}]({size}, rng)" if family else f"generate({size}, rng)"
    try:
        first = generate(size, random.Random(f"check:{size}"))
        second = generate(size, random.Random(f"check:{size}"))
    except Exception as exc:
        yield f"inputs.py: {call} raises {type(exc).__name__}: {exc}"
        return
    if not isinstance(first, tuple):
        yield f"inputs.py: {call} returns {type(first).__name__}, not a tuple"
    elif not _is_plain(first):
        yield f"inputs.py: {call} returns data that cannot cross the sandbox"
    elif first != second and repr(first) != repr(second):
        yield f"inputs.py: {call} differs between two runs with the same seed"


def _is_plain(value: Any) -> bool:
    """True for the plain data the sandbox boundary carries (recursively)."""
    if isinstance(value, _PLAIN_SCALARS):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_is_plain(k) and _is_plain(v) for k, v in value.items())
    return False
