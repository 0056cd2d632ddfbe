#!/usr/bin/env bash
# Hostile input (issue 16): peak memory and time of the release binary on every crafted case
# of the issue — deep Sigma conditions, YAML alias bombs and deep flow collections (Sigma rules,
# exceptions and destinations files), symlink loops, FIFOs and /dev/zero in rules folders, trail
# folders and under --root, an rpm BerkeleyDB overflow bomb, NaN/1e400/lone surrogates/deep
# arrays in CloudTrail, a huge timeout_seconds, a root path holding `#`, `%` and `?`, and a
# corrupt feed re-imported. The inputs are made by `yagura_testkit::hostile` (the same
# generators as the hostile-input tests) through `examples/hostile_cases.rs`.
#
# Goal (issue 16, acceptance 3): every case under 256 MB peak RSS and 2 s wall time. Each case
# runs in a fresh data directory under a 30 s timeout; the table gives the exit code (0 clean,
# 1 findings, 2 bad input reported / incomplete — what a hostile input should give), wall
# seconds, peak MB and the verdict.
#
# usage: bench/hostile.sh            needs: cargo, GNU time (/usr/bin/time), mkfifo, timeout
#        YAGURA_BIN=/path/to/yagura bench/hostile.sh   (skips building the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
TESTDATA=$(cd "${TESTDATA:-../shared/testdata}" && pwd)
cargo build --release -q --workspace --example hostile_cases
if [ -z "${YAGURA_BIN:-}" ]; then
  cargo build --release -q --workspace --bin yagura
  YAGURA_BIN="$CARGO_TARGET_DIR/release/yagura"
fi
GEN="$CARGO_TARGET_DIR/release/examples/hostile_cases"
WORK=$(mktemp -d)
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
"$GEN" "$WORK/cases" "$TESTDATA" > "$WORK/cases.tsv"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr); date: $(date -u +%Y-%m-%dT%H:%MZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-32s %5s %8s %8s  %s\n' case exit seconds "peak MB" verdict
over=0
n=0
while IFS=$'\x1f' read -r name prepare from to args; do
  n=$((n + 1))
  data="$WORK/data/$name"
  mkdir -p "$data"
  if [ -n "$prepare" ]; then
    eval "pre=($prepare)"
    "$YAGURA_BIN" --data-dir "$data" --lang en "${pre[@]}" >/dev/null 2>&1 || true
  fi
  if [ -n "$from" ]; then
    eval "mv $from $to"
  fi
  eval "argv=($args)"
  set +e
  /usr/bin/time -o "$WORK/time" -f "%e %M" timeout -s KILL 30 \
    "$YAGURA_BIN" --data-dir "$data" --lang en "${argv[@]}" >"$WORK/out" 2>"$WORK/err" </dev/null
  code=$?
  set -e
  read -r secs kib < <(tail -n1 "$WORK/time")
  mb=$(awk -v k="$kib" 'BEGIN { printf "%.0f", k / 1024 }')
  verdict=ok
  if [ "$code" -ge 100 ] || grep -q panicked "$WORK/err"; then
    verdict="CRASH ($code)"
  elif awk -v s="$secs" -v m="$mb" 'BEGIN { exit !(s >= 2 || m >= 256) }'; then
    verdict="OVER GOAL"
  fi
  [ "$verdict" = ok ] || over=$((over + 1))
  printf '%-32s %5s %8s %8s  %s\n' "$name" "$code" "$secs" "$mb" "$verdict"
done < "$WORK/cases.tsv"
echo "$n case(s), $over over the goal (< 256 MB and < 2 s each)"
[ "$over" -eq 0 ]
