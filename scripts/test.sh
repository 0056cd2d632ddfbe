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
ensure_sarif_multitool
ensure_duckdb
# Tests find python tools (aws, moto) on PATH through the venv.
export PATH="$YAGURA_VENV/bin:$PATH"
# Property tests draw their cases from a fixed seed, so that a run of this script is
# reproducible and CI cannot fail on a case no run before it met. To explore new cases, set
# PROPTEST_RNG_SEED yourself (any number), or YAGURA_PROPTEST_RANDOM=1 for a random seed per
# test; scripts/fuzz.sh explores the parsers without end.
if [ -z "${PROPTEST_RNG_SEED:-}" ] && [ -z "${YAGURA_PROPTEST_RANDOM:-}" ]; then
    export PROPTEST_RNG_SEED=20261206
fi
cargo test --workspace --no-fail-fast "$@"
