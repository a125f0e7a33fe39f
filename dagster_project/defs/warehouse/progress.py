"""Optional progress listener, set by `nianbao ingest` to draw its progress bar (in-process runs only)."""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, int, "int | None"], None]
_listener: Listener | None = None


def set_listener(listener: Listener | None) -> None:
    global _listener
    _listener = listener


def report(stage: str, done: int, total: int | None = None) -> None:
    if _listener is not None:
        _listener(stage, done, total)
