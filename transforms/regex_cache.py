"""Regular expressions whose compiled program is kept in the disk cache.

Why: Python compiles a pattern for its regex engine in Python code. For the label prefix pattern (a trie of
every label variant, brackets and quotes allowed between any two characters) that takes 0.12-0.15 s, a
quarter of the start-up of every process that extracts a report. The program depends only on the pattern,
the flags and the Python build, so it is compiled once per machine and handed to the engine (`_sre.compile`,
which validates a program before it accepts it) by every later process.

The stdlib's own last step of `re.compile` is repeated here, which is private API: the program is keyed by
the exact Python version, checked against a normal compile when it is made (flags, groups and group names
must agree), and anything that fails falls back to `re.compile`.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from transforms.disk_cache import cached

# (flags, code, groups, groupindex, indexgroup): the arguments `_sre.compile` takes after the pattern.
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


def compile_cached(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, with the compiled program read from the disk cache when it is there."""
    try:
        import _sre

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
