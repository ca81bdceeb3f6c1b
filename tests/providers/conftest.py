"""Fixtures for provider tests: a recognisable fake key and request factories."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from codeeval.types import GenerationRequest, Task

FAKE_KEY = "sk-test-SECRET-0123456789abcdefDONOTLEAK"


@pytest.fixture
def make_request(make_task: Callable[..., Task]) -> Callable[..., GenerationRequest]:
    """Factory: `make_request(prompt=..., temperature=..., ...)`."""

    def factory(prompt: str = "Write double(x).", **fields: Any) -> GenerationRequest:
        return GenerationRequest(task=make_task(), prompt=prompt, **fields)

    return factory


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log record at DEBUG, SDK loggers included."""
    caplog.set_level(logging.DEBUG)
    yield caplog


def assert_no_secret(*things: object) -> None:
    """No text form of any of `things`, nor of an exception's chain, holds the fake key."""
    for thing in things:
        seen: set[int] = set()
        current: object = thing
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            assert FAKE_KEY not in str(current)
            assert FAKE_KEY not in repr(current)
            current = getattr(current, "__cause__", None) or getattr(current, "__context__", None)
