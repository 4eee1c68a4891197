#!/usr/bin/env bash
# Create .venv and install TaskMapper with the given extras, only when needed: the install is
# redone when pyproject.toml or the extras change (.venv/.taskmapper-install records what was installed).
# pip's output goes to .venv/install.log and is shown only when the install fails.
# Usage: bash scripts/setup-venv.sh EXTRAS   (e.g. "full" or "test,full")
set -euo pipefail
cd "$(dirname "$0")/.."
extras="$1"
stamp=".venv/.taskmapper-install"
hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
installed=1
for e in ${extras//,/ }; do
    grep -qxF "$hash $e" "$stamp" 2>/dev/null || installed=0
done
if [ "$installed" = 1 ] && [ -x .venv/bin/python ]; then
    exit 0
fi
echo "Installing TaskMapper [$extras] into .venv (once; about a minute on a fresh machine)..." >&2
[ -x .venv/bin/python ] || python3 -m venv .venv
export PIP_DISABLE_PIP_VERSION_CHECK=1
log=.venv/install.log
if ! { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e ".[$extras]"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "Install failed; the whole log is in $log" >&2
    exit 1
fi
# numba compiles each kernel the first time a process needs it (10-60 s on 2 cores) and caches it:
# done here once, so that a user's first big graph does not wait for it mid-run
echo "Compiling the placement kernels once (about half a minute)..." >&2
.venv/bin/python -m model.algorithms.engines.warm || echo "(they will be compiled on first use instead)" >&2
for e in ${extras//,/ }; do echo "$hash $e"; done >> "$stamp"
sort -u -o "$stamp" "$stamp"
echo "Installed." >&2
