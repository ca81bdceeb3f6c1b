"""Retries with exponential backoff and full jitter, honouring a provider's Retry-After."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from codeeval.errors import RateLimited, TransientProviderError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait between attempts of one provider call."""

    max_attempts: int = 6
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0

    def delay_s(self, attempt: int, error: Exception, rng: random.Random) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based).

        A Retry-After from the server is honoured as a floor; otherwise full jitter over an
        exponentially growing window (AWS's "full jitter" backoff).
        """
        window = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        jittered = rng.uniform(0, window)
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return min(self.max_delay_s, max(error.retry_after, jittered))
        return jittered


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> tuple[T, int]:
    """Run `call`, retrying RateLimited and TransientProviderError; return (value, attempts).

    Raises:
        ProviderError: the last error once attempts run out, or any non-retryable one at once.
    """
    rng = rng or random.Random()
    for attempt in range(1, policy.max_attempts + 1):
        try:
            return call(), attempt
        except (RateLimited, TransientProviderError) as error:
            if attempt == policy.max_attempts:
                raise
            wait = policy.delay_s(attempt, error, rng)
            log.info("attempt %d failed (%s); retrying in %.2fs", attempt, error, wait)
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
