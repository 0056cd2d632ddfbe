#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need at the versions pinned in
# scripts/pins/ (moto and the other Python tools in a venv, the npm oracle of the IAM
# differential test), then every test of the workspace in the dev profile. Safe to run again:
# an install is redone only when its pins changed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pins/install.sh
ensure_test_venv
ensure_iam_simulate
# Tests find python tools (aws, moto) on PATH through the venv.
export PATH="$YAGURA_VENV/bin:$PATH"
cargo test --workspace --no-fail-fast "$@"
