"""Running calls truly at the same time against PostgreSQL.

`race` starts a bounded pool of threads; each opens its own database connection first,
then all wait at a barrier and are let go together, so the calls overlap in the database
rather than queueing behind connection set-up. Each thread speaks the site's language, as
a request would. `Watcher` samples a query from yet another connection while a race runs,
so a test can say what was true at every moment, not only at the end.
"""

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import translation


def race(calls: list[Callable[[], Any]], *, connections: int) -> list[Any]:
    """Run every call; returns, in the calls' order, each result or the exception raised."""
    work: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(calls)):
        work.put(index)
    threads_count = min(connections, len(calls))
    barrier = threading.Barrier(threads_count)
    results: list[Any] = [None] * len(calls)

    def worker() -> None:
        translation.activate(settings.LANGUAGE_CODE)
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            while True:
                try:
                    index = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    results[index] = calls[index]()
                except Exception as exc:  # noqa: BLE001  (each loser's answer is what we check)
                    results[index] = exc
        finally:
            connection.close()
            translation.deactivate()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a racer never finished"
    return results


class Watcher:
    """Sample `probe()` on its own connection, as often as it can, until the block ends."""

    def __init__(self, probe: Callable[[], Any]):
        self.probe = probe
        self.samples: list[Any] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.samples.append(self.probe())
                time.sleep(0.002)
        finally:
            connection.close()

    def __enter__(self) -> "Watcher":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.samples.append(self.probe())  # and once more, after everyone finished
