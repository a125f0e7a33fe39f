#!/usr/bin/env bash
# The README's test command: set up from the lock file, then lint and run the whole suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${CI:-}" = "true" ]; then
  bash scripts/ci-system-packages.sh
fi
source scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest -q --durations=10 "$@"
