from __future__ import annotations

import random

import pytest

from codeeval.errors import ProviderError, RateLimited, TransientProviderError
from codeeval.retry import RetryPolicy, call_with_retries


def _failing(errors: list[Exception], value: str = "ok"):
    def call() -> str:
        if errors:
            raise errors.pop(0)
        return value

    return call


def test_retries_transient_errors_then_returns_value_and_attempts() -> None:
    slept: list[float] = []
    errors: list[Exception] = [TransientProviderError("500"), TransientProviderError("502")]
    value, attempts = call_with_retries(_failing(errors), RetryPolicy(max_attempts=3), slept.append)
    assert (value, attempts) == ("ok", 3)
    assert len(slept) == 2
    assert 0 <= slept[0] <= 1.0 and 0 <= slept[1] <= 2.0


def test_retry_after_is_a_floor_on_the_wait() -> None:
    slept: list[float] = []
    errors: list[Exception] = [RateLimited("429", retry_after=7.5)]
    call_with_retries(_failing(errors), RetryPolicy(base_delay_s=0.01), slept.append)
    assert slept == [7.5]


def test_gives_up_after_max_attempts_with_the_last_error() -> None:
    errors: list[Exception] = [TransientProviderError(f"fail {i}") for i in range(5)]
    with pytest.raises(TransientProviderError, match="fail 2"):
        call_with_retries(_failing(errors), RetryPolicy(max_attempts=3), lambda s: None)


def test_permanent_errors_are_not_retried() -> None:
    calls = []

    def call() -> str:
        calls.append(1)
        raise ProviderError("400 bad request")

    with pytest.raises(ProviderError):
        call_with_retries(call, RetryPolicy(), lambda s: None)
    assert len(calls) == 1


def test_backoff_window_grows_exponentially_and_is_capped() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=5.0)
    rng = random.Random(0)
    waits = [policy.delay_s(a, TransientProviderError("x"), rng) for a in range(1, 50)]
    assert max(waits) <= 5.0
    assert max(waits[:1]) <= 1.0
