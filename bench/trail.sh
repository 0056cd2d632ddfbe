#!/usr/bin/env bash
# Benchmark of yagura-trail (WATCH-03/04/06): CloudTrail reading + all Sigma rules + native
# detections over >= 300,000 events (the Invictus files replicated), raw JSON and gzip, one
# thread and all cores; beside `gzip -dc` alone on the same files (the floor) and a Python peer
# (plain `json.load` of every file). Memory: peak RSS on a tenth of the input and on all of it.
# Also the same scan with the whole SigmaHQ repository (3,780 rules of every log source) given
# as `--sigma`: only its 57 CloudTrail rules may reach the scan, so events/s must stay within 5%
# of the 57-rule run (the ratio is printed).
#
# usage: bench/trail.sh [COPIES]   (default 104 copies = 301,600 events)
# needs: cargo, gzip, python3, GNU time (/usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES=${1:-104}
TESTDATA=${TESTDATA:-../shared/testdata/cloudtrail}
RULES="$TESTDATA/sigma/rules"
SIGMAHQ="$TESTDATA/sigmahq"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q --workspace --example trail_bench
BIN="$CARGO_TARGET_DIR/release/examples/trail_bench"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/raw" "$WORK/gz" "$WORK/small"
for i in $(seq 1 "$COPIES"); do
  for f in "$TESTDATA"/invictus/CloudTrail/*.json; do
    b=$(basename "$f" .json)
    cp "$f" "$WORK/raw/${b}_$i.json"
  done
done
for f in "$WORK"/raw/*.json; do gzip -c "$f" > "$WORK/gz/$(basename "$f").gz"; done
for f in $(ls "$WORK"/raw/*.json | head -n $(( $(ls "$WORK"/raw | wc -l) / 10 ))); do cp "$f" "$WORK/small/"; done
CORES=$(nproc)
echo "input: $(ls "$WORK/raw" | wc -l) files, raw $(du -sh "$WORK/raw" | cut -f1), gzip $(du -sh "$WORK/gz" | cut -f1); cores: $CORES; load: $(cut -d' ' -f1-3 /proc/loadavg)"

t() { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -n1; }

echo "== floor: gzip -dc (wall s, user s, sys s, max RSS KiB)"
/usr/bin/time -f "%e %U %S %M" sh -c "cat $WORK/gz/*.gz | gzip -dc > /dev/null" 2>&1 | tail -n1

echo "== python peer: json.load of every raw file (wall s, user s, sys s, max RSS KiB)"
/usr/bin/time -f "%e %U %S %M" python3 -c '
import json, sys, glob
n = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    with open(f) as fh:
        n += len(json.load(fh)["Records"])
print(n, file=sys.stderr)
' "$WORK/raw" 2>&1 | tail -n2 | tr '\n' ' '; echo

run() { # label args...
  local label=$1; shift
  local out
  out=$(/usr/bin/time -f "rss_kib=%M" "$BIN" "$@" 2>&1 | tr '\n' ' ')
  echo "$label: $out"
}
echo "== yagura-trail (events/s = wall; events_per_cpu_second = per core)"
run "read only, raw      " --read-only "$WORK/raw"
run "read only, gzip     " --read-only "$WORK/gz"
run "sigma+native raw  1t" --threads 1 --sigma "$RULES" "$WORK/raw" | tee "$WORK/r57"
run "sigmahq+native raw 1t" --threads 1 --sigma "$SIGMAHQ" "$WORK/raw" | tee "$WORK/rhq"
python3 - "$WORK/r57" "$WORK/rhq" <<'PY'
import json, re, sys
def eps(path):
    m = re.search(r'\{.*\}', open(path).read())
    return json.loads(m.group(0))["events_per_cpu_second"]
a, b = eps(sys.argv[1]), eps(sys.argv[2])
print(f"   whole SigmaHQ vs 57 rules, events per CPU second: {b:.0f} / {a:.0f} = {b / a:.3f}")
PY
run "sigma+native raw  ${CORES}t" --threads "$CORES" --sigma "$RULES" "$WORK/raw"
run "sigma+native gzip 1t" --threads 1 --sigma "$RULES" "$WORK/gz"
run "sigma+native gzip ${CORES}t" --threads "$CORES" --sigma "$RULES" "$WORK/gz"
echo "== memory in input size: a tenth of the input vs all of it (rss_kib)"
echo "   streaming (single-event detections handed on as found: the scan's own memory)"
run "stream raw 1/10      " --stream --threads 1 --sigma "$RULES" "$WORK/small"
run "stream raw all       " --stream --threads 1 --sigma "$RULES" "$WORK/raw"
echo "   report (every detection kept for the report, as \`yagura trail scan\` does)"
run "report raw 1/10      " --threads 1 --sigma "$RULES" "$WORK/small"
run "report raw all       " --threads 1 --sigma "$RULES" "$WORK/raw"
