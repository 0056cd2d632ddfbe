#!/usr/bin/env bash
# yagura audit vs Prowler against the same large moto account (issue 2, acceptance 6).
# Target: yagura >= 30x faster than Prowler and <= 1/10 of its peak memory.
#
#   bench/audit_vs_prowler.sh            (from anywhere; BENCH_SCALE=N changes the estate size)
#
# One moto_server on a free loopback port, seeded by scripts/seed_moto.py --scale N (default
# 1000: N users, N roles, N/10 groups, N security groups, N instances, plus the sample estate),
# then yagura and Prowler one after the other against that same endpoint, same region, each
# under /usr/bin/time -v for wall time, CPU time and peak RSS.
#
# Env:
#   BENCH_SCALE       estate size (default 1000)
#   BENCH_RUNS        runs of each tool, one after the other against the same moto (default 3);
#                     the table gives each tool's median wall time (and the CPU time and peak RSS
#                     of that run), the ratio of the medians, and the ratio of the first runs,
#                     where moto answers each operation for the first time (Python compiles its
#                     response templates then, and the jitter of the retries' backoff varies a
#                     run of yagura by +-0.4 s: one run is not a measurement)
#   BENCH_REGION      region both tools scan (default us-east-1)
#   MOTO_VENV         venv with the pinned moto[server] and boto3 (scripts/pins; default
#                     /root/.cache/yagura-venv, installed or refreshed like scripts/test.sh does)
#   PROWLER_VENV      Prowler's own venv, created with `pip install prowler==$PROWLER_VERSION`
#                     if missing
#                     (default /root/.cache/prowler-venv)
#   CARGO_TARGET_DIR  where the release yagura is built (default /root/.cache/yagura-target-release)
#   YAGURA_BIN        a yagura binary to use instead of building one
#   BENCH_OUT         directory for the outputs and logs (default: a fresh temporary directory)
#   YAGURA_ARGS       extra yagura arguments, e.g. "--max-attempts 1"
#   PROWLER_ARGS      extra Prowler arguments, e.g. "--aws-retries-max-attempts 0"
#                     moto answers 500 to operations it does not implement; both tools retry those
#                     with backoff by default, so waiting on retries is part of the default figures
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scale="${BENCH_SCALE:-1000}"
region="${BENCH_REGION:-us-east-1}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/yagura-target-release}"
out="${BENCH_OUT:-$(mktemp -d /tmp/audit-bench.XXXXXX)}"
mkdir -p "$out"
# The services yagura audits that Prowler also knows (Prowler's names).
prowler_services=(iam ec2 s3 config guardduty cloudtrail securityhub accessanalyzer inspector2 ssm rds elbv2 organizations)

. "$root/bench/moto_bench.sh"
bench_tools
start_moto true
log "moto_server $endpoint (pid $moto_pid); seeding --scale $scale"
seed_start=$(date +%s.%N)
"$moto_venv/bin/python" "$root/scripts/seed_moto.py" "$endpoint" --scale "$scale" >"$out/seed.json"
seed_s=$(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "seeded in $seed_s s: $(cat "$out/seed.json" | head -c 200)"

yagura_and_env

runs="${BENCH_RUNS:-3}"
requests() { grep -c ' HTTP/1\.1' "$out/moto.log" || true; } # 4xx/5xx lines are coloured: no quote right after
# median_run TOOL: the run (1..N) whose wall time is the median of TOOL's runs (the lower middle
# of an even count), from $out/TOOL.N.time
median_run() {
    for i in $(seq 1 "$runs"); do printf '%s %s\n' "$(measure "$out/$1.$i.time" | cut -d' ' -f1)" "$i"; done |
        sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { print $2 }'
}
walls() { for i in $(seq 1 "$runs"); do measure "$out/$1.$i.time" | cut -d' ' -f1; done | paste -sd' '; }

# ------------------------------------------------------------------ yagura
set +e
for i in $(seq 1 "$runs"); do
    log "yagura audit --regions $region (run $i of $runs)"
    r0=$(requests)
    /usr/bin/time -v -o "$out/yagura.$i.time" "$yagura" audit --regions "$region" --format json \
        -o "$out/yagura.json" --no-store --allow-incomplete ${YAGURA_ARGS:-} \
        >"$out/yagura.stdout" 2>"$out/yagura.stderr"
    yagura_rc=$?
    sleep 1 # moto's log lags
    [ "$i" = 1 ] && y_req=$(($(requests) - r0))
done
r1=$(requests)
set -e
y_med=$(median_run yagura)
read -r y_wall y_cpu y_rss < <(measure "$out/yagura.$y_med.time")
y_first=$(measure "$out/yagura.1.time" | cut -d' ' -f1)
y_findings="$("$moto_venv/bin/python" -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["results"]; print(len(r), sum(1 for x in r if x["status"]=="FAIL"), sum(1 for x in r if x["status"]=="UNKNOWN"))' "$out/yagura.json" 2>/dev/null || echo "? ? ?")"
read -r y_total y_fail y_unknown <<<"$y_findings"

# ------------------------------------------------------------------ Prowler
# Prowler builds its clients with boto3, whose botocore (>= 1.31) honours AWS_ENDPOINT_URL for
# every service; Prowler itself has no endpoint option for AWS.
set +e
for i in $(seq 1 "$runs"); do
    log "prowler aws --region $region --service ${prowler_services[*]} (run $i of $runs)"
    rm -rf "$out/prowler"
    /usr/bin/time -v -o "$out/prowler.$i.time" "$prowler_venv/bin/prowler" aws --region "$region" \
        --service "${prowler_services[@]}" --output-formats json-ocsf --output-directory "$out/prowler" \
        --output-filename prowler --no-banner --log-level ERROR --log-file "$out/prowler-errors.log" \
        ${PROWLER_ARGS:-} \
        >"$out/prowler.stdout" 2>"$out/prowler.stderr"
    prowler_rc=$?
    sleep 1
    [ "$i" = 1 ] && p_req=$(($(requests) - r1))
done
set -e
p_med=$(median_run prowler)
read -r p_wall p_cpu p_rss < <(measure "$out/prowler.$p_med.time")
p_first=$(measure "$out/prowler.1.time" | cut -d' ' -f1)
p_findings="$("$moto_venv/bin/python" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d), sum(1 for x in d if x.get("status_code")=="FAIL"), sum(1 for x in d if x.get("status_code") not in ("PASS","FAIL")))' "$out/prowler/prowler.ocsf.json" 2>/dev/null || echo "? ? ?")"
read -r p_total p_fail p_other <<<"$p_findings"

# ------------------------------------------------------------------ table
echo
echo "estate: moto_server, seed_moto.py --scale $scale (seeded in $seed_s s), region $region"
echo "yagura: $("$yagura" --version) ${YAGURA_ARGS:-}, exit $yagura_rc"
echo "prowler: $prowler_version (services: ${prowler_services[*]}) ${PROWLER_ARGS:-}, exit $prowler_rc"
echo "runs per tool: $runs; wall times in run order: yagura $(walls yagura); prowler $(walls prowler)"
echo "(the median run of each tool below; API calls of the first run)"
printf '%-8s %10s %10s %14s %10s %8s %8s %10s\n' tool "wall s" "cpu s" "peak RSS MB" findings FAIL other "API calls"
printf '%-8s %10s %10s %14s %10s %8s %8s %10s\n' yagura "$y_wall" "$y_cpu" "$y_rss" "$y_total" "$y_fail" "$y_unknown" "$y_req"
printf '%-8s %10s %10s %14s %10s %8s %8s %10s\n' prowler "$p_wall" "$p_cpu" "$p_rss" "$p_total" "$p_fail" "$p_other" "$p_req"
awk -v yw="$y_wall" -v pw="$p_wall" -v yc="$y_cpu" -v pc="$p_cpu" -v ym="$y_rss" -v pm="$p_rss" \
    -v y1="$y_first" -v p1="$p_first" 'BEGIN {
    tr = (yw > 0) ? pw / yw : 0; cr = (yc > 0) ? pc / yc : 0; mr = (ym > 0) ? pm / ym : 0
    fr = (y1 > 0) ? p1 / y1 : 0
    printf "ratio prowler/yagura (medians): wall %.1fx, cpu %.1fx, peak RSS %.1fx\n", tr, cr, mr
    printf "ratio of the first runs (moto answering each operation for the first time): wall %.1fx\n", fr
    printf "target wall >= 30x: %s; target memory >= 10x: %s\n", (tr >= 30 ? "met" : "NOT met"), (mr >= 10 ? "met" : "NOT met")
}'
# Prowler checks that failed against moto: its error log, one line per check/service and error.
if [ -s "$out/prowler-errors.log" ]; then
    echo "prowler errors against moto (count, check or service: error):"
    "$moto_venv/bin/python" - "$out/prowler-errors.log" <<'PY'
import collections, re, sys
# Prowler's --log-file holds one JSON object per line, but messages may carry raw newlines
# (HTML error pages from moto), so the fields are picked out with patterns, line by line.
seen = collections.Counter()
for line in open(sys.argv[1], errors="replace"):
    if not line.startswith('{"timestamp"'):
        continue
    f = re.search(r'"filename": "([^"]+)', line)
    m = re.search(r'"message": "(.*)', line)
    msg = m.group(1) if m else line
    cls = re.search(r"-- (\w+)\[\d+\]", msg)
    code = re.search(r"An error occurred \(([^)]+)\)", msg)
    op = re.search(r"calling the (\w+) operation", msg)
    if cls:
        what = f"{cls.group(1)}" + (f" ({code.group(1)})" if code else "") + (f" in {op.group(1)}" if op else "")
        if not op and not code:
            what += ": " + msg[msg.index("]: ") + 3:][:90] if "]: " in msg else ""
    else:
        what = msg[:100]
    seen[f"{f.group(1) if f else '?'}: {what}"] += 1
for k, n in seen.most_common(30):
    print(f"  {n:5d}  {k}")
if len(seen) > 30:
    print(f"  ... {len(seen) - 30} more kinds")
PY
fi
echo "outputs and logs: $out"
