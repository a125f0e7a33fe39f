"""The floors whole-process figures are compared with, each run as a process of its own (start-up included):

    python -m bench.floor read PATH...   read and decode every report (nianbao's own readers, nothing else)
    python -m bench.floor hash PATH...   read every file and hash it (the least a first ingest must do)
    python -m bench.floor stat PATH...   stat every file (the least a re-run over unchanged files must do)

Folders are walked recursively, hidden files skipped, as `nianbao extract` and `nianbao ingest` do.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterator


def walk(paths: list[str]) -> Iterator[os.DirEntry | str]:
    for path in paths:
        if not os.path.isdir(path):
            yield path
            continue
        stack = [path]
        while stack:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        yield entry


def main(argv: list[str]) -> int:
    mode, paths = argv[0], argv[1:]
    count = 0
    if mode == "stat":
        for entry in walk(paths):
            os.stat(entry.path if isinstance(entry, os.DirEntry) else entry)
            count += 1
    elif mode == "hash":
        for entry in walk(paths):
            with open(entry, "rb") as handle:
                hashlib.sha256(handle.read()).hexdigest()
            count += 1
    elif mode == "read":
        from transforms.errors import UnreadableFile
        from transforms.readers import read_file

        for entry in walk(paths):
            with contextlib.suppress(UnreadableFile):
                read_file(entry)
            count += 1
    else:
        raise SystemExit(f"unknown floor {mode!r}: read, hash or stat")
    print(f"{count} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
