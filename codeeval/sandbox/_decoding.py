"""Decoding replies on the trusted side, and the time it takes from every worker's clock.

Every worker's replies are decoded in the grader's process, under its one interpreter lock:
while one thread decodes a large reply (a C call that keeps the lock), no other thread runs.
`DECODING` keeps the time during which any thread was decoding, so that each session can
leave it out of its wall-clock cap: a program that forges costly replies slows the others'
grading but does not make them time out (its own decoding is charged to it, see
`ChildSession`). The cyclic garbage collector is paused while any thread decodes: decoded
values are trees, so it would find nothing, yet its passes over the growing heap cost
several times the decoding itself (8 s instead of 0.8 s for five million empty lists).
"""

from __future__ import annotations

import gc
import os
import threading
import time
from typing import Any

from codeeval.sandbox import _codec

_SMALL_BYTES = 1 << 14
_COLLECT_AFTER_BYTES = 1 << 20


class DecodingClock:
    """Decodes replies, keeping the wall time during which at least one thread decoded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._busy_since = 0.0
        self._busy_s = 0.0
        self._paused_gc = False

    def decode(self, data: bytes) -> tuple[Any, _codec.CodecError | None, float]:
        """`_codec.loads(data)` (or None and why not), and the CPU seconds this thread spent."""
        started = time.thread_time()
        small = len(data) < _SMALL_BYTES  # at most a millisecond: not worth keeping
        if not small:
            self._begin()
        try:
            value, problem = _codec.loads(data), None
            if len(data) >= _COLLECT_AFTER_BYTES:
                # The collector's passes over a large value's objects, now rather than in
                # whichever thread triggers them next: counted and charged as decoding.
                gc.collect()
        except _codec.CodecError as exc:
            value, problem = None, exc
        finally:
            if not small:
                self._end()
        return value, problem, time.thread_time() - started

    def after_fork(self) -> None:
        """In a forked copy of the grader (a worker process): no thread decodes there."""
        self._lock = threading.Lock()
        if self._running and self._paused_gc:
            gc.enable()
        self._running, self._paused_gc = 0, False

    def total(self) -> float:
        """Seconds during which some thread was decoding, from an arbitrary origin."""
        if not self._running:  # the common case, without the lock (one attribute read)
            return self._busy_s
        with self._lock:
            if self._running:
                return self._busy_s + (time.monotonic() - self._busy_since)
            return self._busy_s

    def _begin(self) -> None:
        with self._lock:
            if not self._running:
                self._busy_since = time.monotonic()
                self._paused_gc = gc.isenabled()
                if self._paused_gc:
                    gc.disable()
            self._running += 1

    def _end(self) -> None:
        with self._lock:
            self._running -= 1
            if not self._running:
                self._busy_s += time.monotonic() - self._busy_since
                if self._paused_gc:
                    gc.enable()


DECODING = DecodingClock()
os.register_at_fork(after_in_child=DECODING.after_fork)
