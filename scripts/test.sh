#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need (moto in a venv), then every test of
# the workspace in the dev profile. Safe to run again: installs are skipped when present.
set -euo pipefail
cd "$(dirname "$0")/.."
export YAGURA_VENV="${YAGURA_VENV:-$HOME/.cache/yagura-venv}"
if [ ! -x "$YAGURA_VENV/bin/moto_server" ] || ! "$YAGURA_VENV/bin/python" -c 'import moto, boto3, awscli, botocore, aiosmtpd' 2>/dev/null; then
  echo "installing moto[server], boto3, awscli and aiosmtpd into $YAGURA_VENV" >&2
  python3 -m venv "$YAGURA_VENV"
  "$YAGURA_VENV/bin/pip" install --quiet --upgrade pip
  "$YAGURA_VENV/bin/pip" install --quiet 'moto[server]' boto3 awscli aiosmtpd
fi
# The IAM differential test runs an independent engine as an outside process. It is AGPL, so it
# is installed outside the repository and never committed.
export IAM_SIMULATE_DIR="${IAM_SIMULATE_DIR:-$HOME/.cache/iam-simulate}"
if [ ! -d "$IAM_SIMULATE_DIR/node_modules/@cloud-copilot/iam-simulate" ] && command -v npm >/dev/null; then
  echo "installing @cloud-copilot/iam-simulate into $IAM_SIMULATE_DIR" >&2
  mkdir -p "$IAM_SIMULATE_DIR"
  (cd "$IAM_SIMULATE_DIR" && npm install --silent --no-audit --no-fund @cloud-copilot/iam-simulate >/dev/null)
fi
# Tests find python tools (aws, moto) on PATH through the venv.
export PATH="$YAGURA_VENV/bin:$PATH"
cargo test --workspace --no-fail-fast "$@"
