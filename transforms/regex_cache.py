"""Regular expressions whose compiled program is kept in the disk cache.

Why: Python compiles a pattern for its regex engine in Python code. For the label prefix pattern (a trie of
every label variant, brackets and quotes allowed between any two characters) that takes 0.12-0.15 s, a
quarter of the start-up of every process that extracts a report. The program depends only on the pattern,
the flags and the Python build, so it is compiled once per machine and handed to the engine (`_sre.compile`,
which validates a program before it accepts it) by every later process.

The stdlib's own last step of `re.compile` is repeated here, which is private API: the program is keyed by
the exact Python version, checked against a normal compile when it is made (flags, groups and group names
must agree), and anything that fails falls back to `re.compile`.

Patterns up to `BOOK_MAX_PATTERN_CHARS` long (all but the label prefix pattern and the big character classes)
share one file, the book, read once per process: the project compiles about a hundred of them at import, 20 ms
of every start-up, and a file each would cost an open and a read each. A process that compiled a pattern the
book lacked writes the book back when it exits. The book keeps what the processes since the last rewrite
used; it is rewritten with only what this process used once it would hold more than `BOOK_MAX_ENTRIES`
(edited patterns leave their old programs behind). A longer pattern has a file of its own.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from transforms.disk_cache import cache_dir, cached, store

# (flags, code, groups, groupindex, indexgroup): the arguments `_sre.compile` takes after the pattern.
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


BOOK_MAX_PATTERN_CHARS = 2_000
BOOK_MAX_ENTRIES = 1_000


class _Book:
    """The shared programs of short patterns: read at the first lookup, written back at exit if it grew."""

    def __init__(self) -> None:
        self.programs: dict[str, Program | None] | None = None  # None until read
        self.used: dict[str, Program | None] = {}  # what this process looked up or added
        self.grew = False
        self.folder: Path | None = None  # where it was read; written back there, whatever the environment

    def program(self, key: str, pattern: str, flags: int) -> Program | None:
        if self.programs is None:
            self.folder = cache_dir()
            self.programs = dict(cached("regex-book", _engine_key(), dict))
        if key in self.programs:
            program = self.programs[key]
        else:
            program = self.programs[key] = _program(pattern, flags)
            if not self.grew:
                self.grew = True
                atexit.register(self.write)
        self.used[key] = program
        return program

    def write(self) -> None:
        programs = self.programs if len(self.programs or ()) <= BOOK_MAX_ENTRIES else self.used
        with contextlib.suppress(OSError):  # a read-only or full cache folder: the next process compiles
            store("regex-book", _engine_key(), programs, self.folder)
        self.grew = False


_BOOK = _Book()


def _engine_key() -> str:
    """What a compiled program is valid for: this exact Python and its regex engine."""
    import _sre

    return hashlib.sha256(f"{sys.version}|{_sre.MAGIC}".encode()).hexdigest()[:24]


def compile_cached(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, with the compiled program read from the disk cache when it is there."""
    try:
        import _sre

        if len(pattern) <= BOOK_MAX_PATTERN_CHARS:
            key = hashlib.sha256(f"{flags}|{pattern}".encode()).hexdigest()[:24]
            program = _BOOK.program(key, pattern, flags)
        else:
            key = hashlib.sha256(f"{sys.version}|{_sre.MAGIC}|{flags}|{pattern}".encode()).hexdigest()[:24]
            program = cached("regex", key, lambda: _program(pattern, flags))
        if program is not None:
            return _sre.compile(pattern, *program)
    except Exception:  # a different Python's internals, or no cache: compile as usual
        pass
    return re.compile(pattern, flags)


def character_class(name: str, key: str, code_points: Callable[[], Iterable[int]]) -> re.Pattern[str]:
    """One character among `code_points()`: a class written as ranges, which the engine tests at C speed.

    Both the class's text and its program come from the disk cache: working out the ranges walks thousands
    of code points (≈10 ms a process) and a class of thousands of ranges compiles slowly. `key` is a digest
    of what the code points are derived from (`disk_cache.source_key`), `name` says which class it is.
    """
    return compile_cached(cached(f"class-{name}", key, lambda: _class_text(code_points())))


def _class_text(code_points: Iterable[int]) -> str:
    runs: list[list[int]] = []  # [first, last] of each run of consecutive code points
    for code in sorted(set(code_points)):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    body = "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in runs)
    return f"[{body}]" if body else "(?!)"


def _program(pattern: str, flags: int) -> Program | None:
    """The compiled program of `pattern`, or None when it does not give the pattern `re.compile` gives."""
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: the opcodes are int subclasses
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[Any] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    program = (flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
    made, expected = _sre.compile(pattern, *program), re.compile(pattern, flags)
    same = (made.flags, made.groups, made.groupindex) == (
        expected.flags,
        expected.groups,
        expected.groupindex,
    )
    return program if same else None
