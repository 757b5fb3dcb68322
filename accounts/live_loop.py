"""One event loop per process, in a thread of its own, for live pushes from plain
(synchronous) code: services run in tasks, commands and a server's worker threads.

`async_to_sync` outside a server's loop starts a new loop for every call, and the Redis
channel layer opens a connection for every new loop, so a push cost 1.8 ms of CPU where
it costs 0.1–0.5 ms on a loop that lives on (bench/README.md). The Redis layer keeps one
connection pool per loop, so this loop and a server's own never share a socket.
"""

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any

# A push that takes longer than this is given up (and logged by the caller): a request
# must not hang on a Redis that accepts connections but never answers.
TIMEOUT_SECONDS = 10

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_loop_pid = 0


def _running_loop() -> asyncio.AbstractEventLoop:
    global _loop, _loop_pid
    with _lock:
        # A forked child inherits the variable but not the thread that runs the loop.
        if _loop is None or _loop_pid != os.getpid() or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            _loop_pid = os.getpid()
            threading.Thread(target=_loop.run_forever, name="live-push", daemon=True).start()
        return _loop


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run the coroutine on the process's push loop and wait for its result."""
    future = asyncio.run_coroutine_threadsafe(coroutine, _running_loop())
    try:
        return future.result(timeout=TIMEOUT_SECONDS)
    except TimeoutError:
        future.cancel()  # or it would go on waiting on the loop, and the next push behind it
        raise
