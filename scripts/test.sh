#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need (moto in a venv), then every test of
# the workspace in the dev profile. Safe to run again: installs are skipped when present.
set -euo pipefail
cd "$(dirname "$0")/.."
export YAGURA_VENV="${YAGURA_VENV:-$HOME/.cache/yagura-venv}"
if [ ! -x "$YAGURA_VENV/bin/moto_server" ] || ! "$YAGURA_VENV/bin/python" -c 'import moto, boto3, awscli, botocore' 2>/dev/null; then
  echo "installing moto[server], boto3 and awscli into $YAGURA_VENV" >&2
  python3 -m venv "$YAGURA_VENV"
  "$YAGURA_VENV/bin/pip" install --quiet --upgrade pip
  "$YAGURA_VENV/bin/pip" install --quiet 'moto[server]' boto3 awscli
fi
# Tests find python tools (aws, moto) on PATH through the venv.
export PATH="$YAGURA_VENV/bin:$PATH"
cargo test --workspace --no-fail-fast "$@"
