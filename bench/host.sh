#!/usr/bin/env bash
# Benchmark of host assessment (issue 3, acceptance 6): a full scan of a Debian root against
# >= 100,000 imported advisories must take <= 1 s; the import rate; and the same root audited by
# lynis (`lynis audit system --rootdir`) for a side-by-side ratio.
#
#   bench/host.sh [ROOT] [ADVISORIES]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="${1:-$here/../shared/testdata/host/debian/bookworm-default}"
n="${2:-100000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"

cargo build --quiet --release -p yagura-host --example host_bench
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
