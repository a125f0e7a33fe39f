#!/usr/bin/env bash
# The README's main command: set up from the lock file, then run the main job on the sample corpus.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
.venv/bin/nianbao extract data/samples/
