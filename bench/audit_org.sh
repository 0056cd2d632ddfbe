#!/usr/bin/env bash
# yagura audit --org vs Prowler run once per member account, against the same moto Organization
# (issue 20, acceptance 2). Goal: yagura >= 100x faster on wall time.
#
#   bench/audit_org.sh                  (BENCH_ACCOUNTS=N changes the number of member accounts)
#
# One moto_server (without the AWS managed policies, which moto would load into every new
# account), seeded by scripts/seed_org.py with N member accounts (an IAM user with a key, a
# bucket, a security group open on SSH each); then
#   - yagura: one `audit --org --role-name OrganizationAccountAccessRole` over every account;
#   - Prowler: the loop of Prowler's multi-account documentation, one `prowler aws -R
#     arn:aws:iam::ACCOUNT:role/OrganizationAccountAccessRole` per account of
#     `organizations list-accounts`, one after the other,
# same region and services, each under /usr/bin/time -v (the Prowler figures add up the runs;
# its peak memory is the largest run's).
#
# Env:
#   BENCH_ACCOUNTS    member accounts (default 100); Prowler takes minutes per account here
#   BENCH_REGION      region both tools scan (default us-east-1)
#   MOTO_VENV, PROWLER_VENV, PROWLER_VERSION, CARGO_TARGET_DIR, YAGURA_BIN, BENCH_OUT,
#   YAGURA_ARGS, PROWLER_ARGS: as in bench/audit_vs_prowler.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
accounts="${BENCH_ACCOUNTS:-100}"
region="${BENCH_REGION:-us-east-1}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/yagura-target-release}"
out="${BENCH_OUT:-$(mktemp -d /tmp/audit-org-bench.XXXXXX)}"
mkdir -p "$out"
role=OrganizationAccountAccessRole
prowler_services=(iam ec2 s3 config guardduty cloudtrail securityhub accessanalyzer inspector2 ssm rds elbv2 organizations)

. "$root/bench/moto_bench.sh"
bench_tools
start_moto false
log "moto_server $endpoint (pid $moto_pid); seeding $accounts member accounts"
seed_start=$(date +%s.%N)
"$moto_venv/bin/python" "$root/scripts/seed_org.py" "$endpoint" --accounts "$accounts" \
    --region "$region" >"$out/seed.json"
seed_s=$(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "seeded in $seed_s s"

yagura_and_env

log "yagura audit --org (1 management + $accounts member accounts) --regions $region"
set +e
/usr/bin/time -v -o "$out/yagura.time" "$yagura" audit --org --role-name "$role" \
    --regions "$region" --account-concurrency 16 --format json -o "$out/yagura.json" \
    --no-store --allow-incomplete ${YAGURA_ARGS:-} >"$out/yagura.stdout" 2>"$out/yagura.stderr"
yagura_rc=$?
set -e
read -r y_wall y_cpu y_rss < <(measure "$out/yagura.time")
y_accounts="$("$moto_venv/bin/python" -c 'import json,sys; print(len({r["account"] for r in json.load(open(sys.argv[1]))["results"]}))' "$out/yagura.json" 2>/dev/null || echo "?")"

# Prowler's documented multi-account loop: every account of the Organization, its role assumed.
log "prowler aws -R arn:aws:iam::ACCOUNT:role/$role --region $region, once per account"
p_wall=0 p_cpu=0 p_rss=0 p_ok=0 p_runs=0
mapfile -t ids < <("$moto_venv/bin/python" -c '
import boto3
for a in boto3.client("organizations").list_accounts()["Accounts"]:
    print(a["Id"])')
for id in "${ids[@]}"; do
    p_runs=$((p_runs + 1))
    set +e
    /usr/bin/time -v -o "$out/prowler-$id.time" "$prowler_venv/bin/prowler" aws \
        -R "arn:aws:iam::$id:role/$role" --region "$region" --service "${prowler_services[@]}" \
        --output-formats json-ocsf --output-directory "$out/prowler" --output-filename "prowler-$id" \
        --no-banner --log-level ERROR --log-file "$out/prowler-errors-$id.log" ${PROWLER_ARGS:-} \
        >"$out/prowler-$id.stdout" 2>"$out/prowler-$id.stderr"
    [ -s "$out/prowler/prowler-$id.ocsf.json" ] && p_ok=$((p_ok + 1))
    set -e
    read -r w c m < <(measure "$out/prowler-$id.time")
    read -r p_wall p_cpu p_rss < <(awk -v a="$p_wall" -v b="$w" -v c="$p_cpu" -v d="$c" -v e="$p_rss" -v f="$m" \
        'BEGIN { printf "%.2f %.2f %.1f\n", a + b, c + d, (f > e ? f : e) }')
    log "prowler $p_runs/${#ids[@]} ($id): ${w} s"
done

echo
echo "estate: moto_server, seed_org.py --accounts $accounts (seeded in $seed_s s), region $region"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "yagura: $("$yagura" --version) ${YAGURA_ARGS:-}, exit $yagura_rc, accounts with results: $y_accounts"
echo "prowler: $prowler_version (services: ${prowler_services[*]}) ${PROWLER_ARGS:-}, $p_ok of $p_runs runs wrote a report"
printf '%-8s %10s %10s %14s %14s\n' tool "wall s" "cpu s" "peak RSS MB" "accounts/min"
awk -v n="${#ids[@]}" -v yw="$y_wall" -v yc="$y_cpu" -v ym="$y_rss" -v pw="$p_wall" -v pc="$p_cpu" -v pm="$p_rss" 'BEGIN {
    printf "%-8s %10.2f %10.2f %14.1f %14.1f\n", "yagura", yw, yc, ym, (yw > 0 ? n * 60 / yw : 0)
    printf "%-8s %10.2f %10.2f %14.1f %14.1f\n", "prowler", pw, pc, pm, (pw > 0 ? n * 60 / pw : 0)
    tr = (yw > 0) ? pw / yw : 0; cr = (yc > 0) ? pc / yc : 0; mr = (ym > 0) ? pm / ym : 0
    printf "ratio prowler/yagura: wall %.1fx, cpu %.1fx, peak RSS %.1fx\n", tr, cr, mr
    printf "goal wall >= 100x: %s\n", (tr >= 100 ? "met" : "NOT met")
}'
echo "outputs and logs: $out"
