"""Bounds on parsing one file, shared by `nianbao extract` and the ingest workers.

A pathological file must become a clear "could not be read" outcome, never a hang of the whole batch.
"""

from __future__ import annotations

import signal
import threading
from _signal import signal as set_handler
from collections.abc import Iterator
from contextlib import contextmanager

from transforms.errors import UnreadableFile

PER_FILE_SECONDS = 60


@contextmanager
def time_limit(path: str, seconds: int = PER_FILE_SECONDS) -> Iterator[None]:
    """Raise UnreadableFile(path) when the body runs longer than `seconds`.

    Uses SIGALRM, so it only bounds code on the main thread (the CLI, a pool worker); elsewhere it is a
    no-op rather than an error.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise UnreadableFile(path, f"parsing took longer than {seconds} s")

    # `signal.signal` converts the handlers to and from enums by raising and catching two exceptions, which
    # cost more than the rest of this function; the ingest enters a limit twice per file.
    previous = set_handler(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        set_handler(signal.SIGALRM, previous)
