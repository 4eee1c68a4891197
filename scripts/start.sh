#!/usr/bin/env bash
# Install TaskMapper (with the Dask and OR-Tools extras) into .venv and open the app on an example graph.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[full]"
exec .venv/bin/taskmapper "${@:-assets/examples/heft-paper.taskgraph.json}"
