"""The trusted tests of a job, loaded in the grader: their functions and what they call.

A task's tests (`test_*(candidate)` functions, or HumanEval's `check(candidate)`) are trusted
source, run in the grader's process. `candidate` is a `CandidateProxy`, whose calls run in the
sandboxed child; `import random` in the tests gets a generator that the grader reseeds before
each test, so the inputs a test draws are the same in every run and for every sample.
"""

from __future__ import annotations

import builtins
import functools
import random
import threading
import types
from collections.abc import Callable
from typing import Any

from codeeval.sandbox._session import ChildSession

TESTS_FILENAME = "<tests>"
_TESTS_MODULE = "codeeval_tests"


class CandidateProxy:
    """Stands in for the program's entry point: every call runs in the sandbox."""

    def __init__(self, session: ChildSession, name: str) -> None:
        self._session, self.__name__ = session, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call(args, kwargs)

    def __repr__(self) -> str:
        return f"<sandboxed {self.__name__}>"


@functools.lru_cache(maxsize=512)
def _compile_tests(source: str) -> types.CodeType:
    return compile(source, TESTS_FILENAME, "exec", dont_inherit=True)


_per_thread = threading.local()


def seeded_random() -> tuple[types.ModuleType, random.Random]:
    """The calling thread's stand-in `random` module and its private generator.

    Each test reseeds the generator, so the inputs a test draws are the same in every run
    and for every sample.
    """
    cached = getattr(_per_thread, "random", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    generator = random.Random(0)
    module = types.ModuleType("random")
    for name in dir(random):
        if not name.startswith("__"):
            value = getattr(random, name)
            own = getattr(value, "__self__", None) is getattr(random, "_inst", None)
            setattr(module, name, getattr(generator, name) if own else value)
    _per_thread.random = (module, generator)
    return module, generator


def load_tests(
    source: str, random_module: types.ModuleType
) -> tuple[list[tuple[str, Callable[..., Any]]], dict[str, Any]]:
    """The test functions of trusted `source` and the namespace they run in.

    The tests are every `test_*` function, or else one `check`. `import random` inside the
    tests gets `random_module`.
    """
    real_import = builtins.__import__

    def _import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "random" and not kwargs.get("level", args[3] if len(args) > 3 else 0):
            return random_module
        return real_import(name, *args, **kwargs)

    namespace: dict[str, Any] = {
        "__name__": _TESTS_MODULE,
        "__builtins__": {**vars(builtins), "__import__": _import},
    }
    exec(_compile_tests(source), namespace)
    functions = [
        (name, value)
        for name, value in namespace.items()
        if isinstance(value, types.FunctionType) and value.__module__ == _TESTS_MODULE
    ]
    tests: list[tuple[str, Callable[..., Any]]]
    tests = [(name, value) for name, value in functions if name.startswith("test_")]
    if not tests:
        tests = [(name, value) for name, value in functions if name == "check"]
    return tests, namespace
