#!/usr/bin/env bash
# Install TaskMapper with its test dependencies into .venv when needed and run the whole test suite:
# first every test but those marked "serial", spread over the machine's cores (pytest-xdist), then the
# few tests timed against the wall clock, alone, so that no other test's load counts against them.
# Arguments go to both runs (e.g. a test file or -k EXPR); TASKMAPPER_TEST_WORKERS sets the number of
# parallel workers (default: one per core; 0 runs everything in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh test,full
workers="${TASKMAPPER_TEST_WORKERS:-auto}"
parallel=(-n "$workers")
[ "$workers" = 0 ] && parallel=()
status=0
.venv/bin/python -m pytest -q -p no:cacheprovider "${parallel[@]}" -m "not serial" "$@" || status=$?
# exit status 5: no test was collected (the arguments chose none of that kind), not a failure
[ "$status" = 5 ] && status=0
serial=0
.venv/bin/python -m pytest -q -p no:cacheprovider -m serial "$@" || serial=$?
[ "$serial" = 5 ] && serial=0
[ "$status" != 0 ] && exit "$status"
exit "$serial"
