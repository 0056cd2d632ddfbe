#!/usr/bin/env bash
# Starts moto on a free loopback port, seeds a sample Organization with each misconfiguration and a
# compliant twin (scripts/seed_moto.py), audits it with yagura and writes yagura-demo.html.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pins/install.sh
ensure_test_venv
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$YAGURA_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/moto-api/data.json" >/dev/null 2>&1 && break
  sleep 0.2
done
seed=$("$YAGURA_VENV/bin/python" scripts/seed_moto.py "http://127.0.0.1:$port")
good=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["good_account"])' <<<"$seed")
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1
cargo run -q -- audit --regions us-east-1,us-west-2 --org --role-name OrganizationAccountAccessRole \
  --identity-account "$good" --exceptions crates/yagura/demo/exceptions.yaml \
  --data-dir "${TMPDIR:-/tmp}/yagura-demo-data" --format html -o yagura-demo.html || true
echo "open yagura-demo.html"
