#!/usr/bin/env bash
# Install TaskMapper with its test dependencies into .venv when needed and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh test,full
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
