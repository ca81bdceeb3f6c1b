"""Syntax trees built in several threads at once: no thread's parse breaks another's.

CPython 3.11's AST constructor keeps its recursion depth in state its threads share; a run
parses answers in generation threads while another thread scores earlier ones. A garbage
collection that runs Python finalizers in the middle of one thread's parse lets the others
run then, which is when the state was corrupted (`SystemError: AST constructor recursion
depth mismatch`, seen in CI in a run's generation thread).
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from codeeval.extract import extract_code
from codeeval.scoring import cyclomatic_complexity
from codeeval.syntax_trees import parse_tree

SOURCE = (
    Path(__file__).resolve().parent.parent / "tasks" / "quicksort" / "solution.py"
).read_text()
ANSWER = f"Here it is:\n\n```python\n{SOURCE}\n```\n"


class _Garbage:
    """A reference cycle whose finalizer runs Python code when a collection frees it."""

    def __init__(self) -> None:
        self.cycle = self

    def __del__(self) -> None:
        sum(range(50))


@contextmanager
def _busy_collector() -> Iterator[None]:
    """Collections every few allocations, and thread switches as often as possible."""
    threshold, interval = gc.get_threshold(), sys.getswitchinterval()
    gc.set_threshold(50)
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        sys.setswitchinterval(interval)


def _in_threads(work: list[Callable[[], object]], rounds: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def loop(function: Callable[[], object]) -> None:
        for _ in range(rounds):
            for _ in range(20):
                _Garbage()
            try:
                function()
            except BaseException as exc:  # noqa: BLE001 - every failure is the finding
                errors.append(exc)
                return

    threads = [threading.Thread(target=loop, args=(function,)) for function in work]
    with _busy_collector():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return errors


def test_parse_tree_in_four_threads_at_once() -> None:
    errors = _in_threads([lambda: parse_tree(SOURCE * 4)] * 4, rounds=200)
    assert errors == []


def test_extraction_and_scoring_side_by_side() -> None:
    def extract() -> None:
        assert extract_code(ANSWER, "quicksort").code.strip() == SOURCE.strip()

    def score() -> None:
        assert cyclomatic_complexity(SOURCE) is not None

    errors = _in_threads([extract, extract, extract, score], rounds=150)
    assert errors == []
