"""The executors' run loop, shared by the local and the Docker executor.

Worker threads take jobs one at a time until none is left or the consumer stops, and hand
each result back as it completes.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator

from codeeval.types import ExecJob, ExecResult

_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def run_jobs(
    jobs: Iterable[ExecJob],
    grade: Callable[[ExecJob, int], ExecResult],
    workers: int,
    *,
    prepare: Callable[[int], None] | None = None,
    name: str = "codeeval-grade",
) -> Iterator[ExecResult]:
    """Grade `jobs` on `workers` threads; yield one result per job as each completes.

    Worker `i` (a thread named `<name>-<i>`) first calls `prepare(i)`, then `grade(job, i)`
    for each job it takes. `jobs` is consumed lazily, one job at a time, from the workers.
    When the consumer stops (closes the iterator, or drops it), each worker finishes the job
    in hand and takes no other. A worker's exception, or the job source's, is re-raised to
    the consumer, and the other workers stop the same way.
    """
    source, source_lock = iter(jobs), threading.Lock()
    results: queue.SimpleQueue[object] = queue.SimpleQueue()
    stop = threading.Event()

    def work(index: int) -> None:
        try:
            if prepare is not None:
                prepare(index)
            while not stop.is_set():
                with source_lock:
                    job = next(source, None)
                if job is None:
                    return
                results.put(grade(job, index))
        except BaseException as exc:  # handed to the consumer, who re-raises it
            results.put(_Failure(exc))
        finally:
            results.put(_DONE)

    threads = [
        threading.Thread(target=work, args=(index,), name=f"{name}-{index}", daemon=True)
        for index in range(workers)
    ]
    for thread in threads:
        thread.start()
    running = len(threads)
    try:
        while running:
            item = results.get()
            if item is _DONE:
                running -= 1
            elif isinstance(item, _Failure):
                raise item.error
            else:
                yield item  # type: ignore[misc]
    finally:
        stop.set()
