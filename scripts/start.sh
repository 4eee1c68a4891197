#!/usr/bin/env bash
# Install TaskMapper (with the Dask and OR-Tools extras) into .venv when needed and open the app on an example graph.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh full
exec .venv/bin/taskmapper "${@:-assets/examples/heft-paper.taskgraph.json}"
