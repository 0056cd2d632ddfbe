#!/usr/bin/env bash
# Benchmark of `yagura creds process PROFILE` on a cached session (issue 6, acceptance 5): the
# AWS CLI runs the credential_process command on every call, so it must take <= 10 ms wall.
#
#   bench/creds.sh                      # release build, then hyperfine
#   YAGURA_BIN=/path/to/yagura bench/creds.sh
#
# 1. builds yagura and the `cache_bench` example in release (CARGO_TARGET_DIR, default
#    ~/.cache/yagura-target-release; the AWS SDK crates are built at opt-level 0 there, see
#    [profile.release.package.*] in Cargo.toml, which does not matter for a cache hit);
# 2. seeds a temporary directory with `cache_bench --seed`: a config with `bastion` (long-term
#    keys, an MFA device) and `dev-admin` (a role from bastion's MFA session), and a 0600 cache
#    holding a valid session, dev-admin's role and 49 other roles. No network is used;
# 3. runs hyperfine (Debian package `hyperfine`) on
#      - `yagura creds process dev-admin` (the cache hit),
#      - the AWS CLI's own credential path (botocore, which the AWS CLI is built on, resolving a
#        profile whose `credential_process` is the command above: what every `aws` call pays),
#      - the same botocore resolution of a profile with static keys (its cost without yagura);
# 4. prints the means, whether the 10 ms target is met, and the ratios.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/yagura-target-release}"
venv="${YAGURA_VENV:-$HOME/.cache/yagura-venv}"
runs="${BENCH_RUNS:-300}"

command -v hyperfine >/dev/null || {
  echo "hyperfine is not installed (apt-get install hyperfine)" >&2
  exit 1
}

cd "$here"
if [ -z "${YAGURA_BIN:-}" ]; then
  cargo build --quiet --release --workspace --bin yagura
  YAGURA_BIN="$CARGO_TARGET_DIR/release/yagura"
fi
cargo build --quiet --release --workspace --example cache_bench
seed="$CARGO_TARGET_DIR/release/examples/cache_bench"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$seed" --seed "$tmp" >/dev/null
cat >>"$tmp/config" <<EOF

[profile viaproc]
credential_process = $YAGURA_BIN creds process dev-admin

[profile static]
aws_access_key_id = static-example
aws_secret_access_key = static
EOF

export AWS_CONFIG_FILE="$tmp/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials"
export YAGURA_DATA_DIR="$tmp/data"
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL

# a hit: must print the role's JSON without asking for a code (stdin is not a terminal)
"$YAGURA_BIN" creds process dev-admin </dev/null | grep -q '"AccessKeyId":"ASIA' || {
  echo "the seeded cache was not a hit" >&2
  exit 1
}

py="$venv/bin/python"
botocore() {
  echo "$py -c 'import botocore.session; botocore.session.Session(profile=\"$1\").get_credentials().get_frozen_credentials()'"
}
if ! "$py" -c 'import botocore' 2>/dev/null; then
  echo "no botocore in $venv: peer rows skipped" >&2
  peers=()
else
  peers=("$(botocore viaproc)" "$(botocore static)")
fi

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
hyperfine --warmup 20 --runs "$runs" -N --export-json "$tmp/yagura.json" \
  "$YAGURA_BIN creds process dev-admin"
if [ "${#peers[@]}" -gt 0 ]; then
  hyperfine --warmup 3 --runs 30 --export-json "$tmp/peers.json" "${peers[@]}"
fi

"$py" - "$tmp/yagura.json" "$tmp/peers.json" <<'EOF'
import json, os, sys
y = json.load(open(sys.argv[1]))["results"][0]
ms = lambda s: s * 1000
print(f"yagura creds process (cache hit): mean {ms(y['mean']):.2f} ms, median {ms(y['median']):.2f} ms, "
      f"min {ms(y['min']):.2f} ms, max {ms(y['max']):.2f} ms, user {ms(y['user']):.2f} ms, system {ms(y['system']):.2f} ms")
print(f"target <= 10 ms wall (median): {'met' if y['median'] <= 0.010 else 'MISSED'}")
if os.path.exists(sys.argv[2]):
    via, static = json.load(open(sys.argv[2]))["results"]
    print(f"botocore credential_process -> yagura: mean {ms(via['mean']):.1f} ms")
    print(f"botocore static keys (no yagura):      mean {ms(static['mean']):.1f} ms")
    print(f"yagura's share of the AWS CLI path: {ms(via['mean'] - static['mean']):.1f} ms; "
          f"ratio botocore-static / yagura: {static['mean'] / y['mean']:.1f}x")
EOF
