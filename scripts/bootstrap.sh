#!/usr/bin/env bash
# Sourced by the README's commands: installs uv (pinned) into .uv/ with python3's own pip, then the
# project's locked dependencies into .venv/. Needs only python3 and the package registries.
#
# Everything is compiled to bytecode here, once: without it, a process where bytecode is not written
# (PYTHONDONTWRITEBYTECODE, common in containers and CI) compiles every module it imports on every start,
# which for `nianbao ingest` (Dagster, DuckDB, pandas) costs several seconds each time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
UV_VERSION=0.13.9
if [ ! -x .uv/bin/uv ] || ! .uv/bin/uv --version | grep -q "$UV_VERSION"; then
  python3 -m venv .uv
  .uv/bin/pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
.uv/bin/uv sync --locked --quiet --compile-bytecode
.venv/bin/python -m compileall -q -j 0 nianbao transforms dagster_project dashboard bench >/dev/null
