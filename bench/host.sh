#!/usr/bin/env bash
# Benchmark of host assessment (issue 3, acceptance 6): a full scan of a Debian root against
# >= 100,000 imported advisories must take <= 1 s; the import rate; and the same root audited by
# lynis (`lynis audit system --rootdir`) for a side-by-side ratio.
#
# Issue 17, acceptance 5: a full Debian OSV feed (FEED_RECORDS records, default 60,000, built in
# the public archive format: `Debian/all.zip`, one deflated JSON record per entry, each affecting
# Debian 11, 12 and 13) served by a local mirror (python3 -m http.server, which answers
# If-Modified-Since with 304) and fetched with `yagura db update osv-debian --mirror`; then
# `yagura host` scans the root against it. Targets: scan <= 0.5 s; `db update` with nothing
# changed <= 2 s.
#
#   bench/host.sh [ROOT] [ADVISORIES]        FEED_RECORDS=60000 bench/host.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="${1:-$here/../shared/testdata/host/debian/bookworm-default}"
n="${2:-100000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"

cargo build --quiet --release --workspace --example host_bench
cargo build --quiet --release --workspace --bin yagura
yagura="$CARGO_TARGET_DIR/release/yagura"
out="$("$CARGO_TARGET_DIR/release/examples/host_bench" "$root" "$n")"
echo "$out"
scan_s="$(sed -n 's/^scan_median_s=//p' <<<"$out")"

ok=1
if awk -v s="$scan_s" 'BEGIN { exit !(s <= 1.0) }'; then
  echo "target scan<=1s: met ($scan_s s)"
else
  echo "target scan<=1s: MISSED ($scan_s s)"
  ok=0
fi

# --- the full feed through `yagura db update` from a local mirror (issue 17) ---
feed_n="${FEED_RECORDS:-60000}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
zip="$work/mirror/osv-vulnerabilities.storage.googleapis.com/Debian/all.zip"
mkdir -p "$(dirname "$zip")"
"$CARGO_TARGET_DIR/release/examples/host_bench" --zip-only "$zip" "$root" "$feed_n" | sed 's/^/feed_/'
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/mirror" >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 50); do
  port="$(sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' "$work/server.log" | head -1)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the local mirror did not start"; exit 1; }
mirror="http://127.0.0.1:$port"
data="$work/data"
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
t0=$(date +%s.%N)
"$yagura" --quiet --data-dir "$data" db update osv-debian --mirror "$mirror" | sed 's/^/update_first: /'
t1=$(date +%s.%N)
"$yagura" --quiet --data-dir "$data" db update osv-debian --mirror "$mirror" | sed 's/^/update_again: /'
t2=$(date +%s.%N)
first_s="$(secs "$t0" "$t1")"
again_s="$(secs "$t1" "$t2")"
echo "feed_records=$feed_n"
echo "db_update_first_s=$first_s"
echo "db_update_unchanged_s=$again_s"
scan_times=()
for _ in 1 2 3 4 5; do
  a=$(date +%s.%N)
  "$yagura" --quiet --data-dir "$data" host --root "$root" --no-store --format json \
    --allow-incomplete --fail-on critical -o "$work/report.json"
  b=$(date +%s.%N)
  scan_times+=("$(secs "$a" "$b")")
done
feed_scan_s="$(printf '%s\n' "${scan_times[@]}" | sort -n | sed -n 3p)"
echo "feed_scan_runs_s=${scan_times[*]}"
echo "feed_scan_median_s=$feed_scan_s"
echo "feed_scan_findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]))' "$work/report.json")"
if awk -v s="$feed_scan_s" 'BEGIN { exit !(s <= 0.5) }'; then
  echo "target feed scan<=0.5s: met ($feed_scan_s s)"
else
  echo "target feed scan<=0.5s: MISSED ($feed_scan_s s)"
  ok=0
fi
if awk -v s="$again_s" 'BEGIN { exit !(s <= 2.0) }'; then
  echo "target db update unchanged<=2s: met ($again_s s)"
else
  echo "target db update unchanged<=2s: MISSED ($again_s s)"
  ok=0
fi

if command -v lynis >/dev/null 2>&1; then
  tmp="$(mktemp -d)"
  start=$(date +%s.%N)
  lynis audit system --rootdir "$root" --quick --no-colors --no-log \
    --report-file "$tmp/report.dat" >"$tmp/lynis.out" 2>&1 || true
  end=$(date +%s.%N)
  lynis_s="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
  echo "lynis_s=$lynis_s"
  awk -v l="$lynis_s" -v y="$scan_s" 'BEGIN { printf "ratio_lynis_over_yagura=%.1f\n", l / y }'
  rm -rf "$tmp"
else
  echo "lynis not installed (apt-get install lynis): no side-by-side figure"
fi
[ "$ok" = 1 ]
