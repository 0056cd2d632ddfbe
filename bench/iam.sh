#!/usr/bin/env bash
# IAM engine benchmark:
#  1. parse, wildcard-expand and classify the 1,641 AWS managed policies (target: <= 1 s)
#     (issue 5);
#  2. simple authorization decisions per second (target: >= 1,000,000) (issue 5);
#  3. the same managed policies through parliament and Cloudsplaining, side by side;
#  4. the escalation graph (issue 15): a synthetic account of 5,000 users, 5,000 roles and 500
#     groups whose policies are the real AWS managed policies (bench/iam_synthetic.py) as one
#     GetAccountAuthorizationDetails file; yagura builds the graph and every principal's shortest
#     paths (target: <= 2 s, peak memory reported), then Cloudsplaining scans the same file and
#     PMapper runs on it (bench/pmapper_gaad.py: PMapper 1.1.5 does not start on Python >= 3.10
#     and reads only through a botocore session; the script aliases `collections.Mapping` and
#     hands PMapper's own graph builder the file through a stand-in session). PMapper's graph
#     building grows with the square of the principals: it runs on the whole account under
#     PMAPPER_TIMEOUT (default 1800 s) and on a tenth of it (500 users, 500 roles, 50 groups)
#     to give a figure either way.
# Usage: bench/iam.sh            (from anywhere)
# Env:   CARGO_TARGET_DIR  (default /root/.cache/yagura-target-iam)
#        IAM_BENCH_VENV    the peers' venv, installed from scripts/pins/bench-iam.txt when it
#                          is missing or its pins changed (default /root/.cache/iam-bench-venv)
#        BENCH_OUT         directory for the generated files (default: a fresh temporary one)
#        PMAPPER_TIMEOUT   seconds for PMapper on the whole account (0 skips it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/yagura-target-iam}"
tarball="$root/../shared/testdata/iam/aws-managed-policies.tar.gz"
[ -f "$tarball" ] || { echo "missing $tarball" >&2; exit 1; }
out="${BENCH_OUT:-$(mktemp -d /tmp/iam-bench.XXXXXX)}"
mkdir -p "$out"
pmapper_timeout="${PMAPPER_TIMEOUT:-1800}"
. "$root/scripts/pins/install.sh"
ensure_iam_bench_venv
venv="$IAM_BENCH_VENV"
echo "== machine: $(nproc) CPUs, load: $(uptime | sed 's/.*load average: //')"

echo "== yagura-iam: managed policies and decisions"
cargo build --release -q --workspace --example iam_bench
"$CARGO_TARGET_DIR/release/examples/iam_bench" "$tarball" 5000000

"$venv/bin/python" - "$tarball" <<'PY'
import json, sys, tarfile, time
docs = []
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        if "/managedpolicies/" in m.name and m.name.endswith(".json"):
            d = json.load(t.extractfile(m))
            docs.append((d["name"], d["document"]))
print(f"== parliament and cloudsplaining on the same {len(docs)} policies")
import parliament
from cloudsplaining.scan.policy_document import PolicyDocument
start = time.perf_counter()
findings = errors = 0
for name, doc in docs:
    try:
        findings += len(parliament.analyze_policy_string(json.dumps(doc)).findings)
    except Exception:  # parliament 1.6 raises on newer condition types (ArrayOfARN)
        errors += 1
el = time.perf_counter() - start
print(f"parliament: {len(docs)} analysed in {el:.3f} s ({findings} findings, {errors} policies it could not analyse)")
start = time.perf_counter()
privesc = exposure = creds = 0
for name, doc in docs:
    p = PolicyDocument(doc)
    privesc += bool(p.allows_privilege_escalation)
    exposure += bool(p.permissions_management_without_constraints)
    creds += bool(p.credentials_exposure)
    p.write_actions_without_constraints
    p.allows_data_exfiltration_actions
el = time.perf_counter() - start
print(f"cloudsplaining: {len(docs)} analysed in {el:.3f} s (privesc {privesc}, resource exposure {exposure}, credentials exposure {creds})")
PY

echo "== escalation graph: synthetic account (5,000 users, 5,000 roles, 500 groups)"
gaad="$out/gaad.json"
small="$out/gaad-tenth.json"
python3 "$root/bench/iam_synthetic.py" "$tarball" "$gaad" 5000 5000 500
python3 "$root/bench/iam_synthetic.py" "$tarball" "$small" 500 500 50
cargo build --release -q --workspace --example graph_bench
bin="$CARGO_TARGET_DIR/release/examples/graph_bench"
y_start=$(date +%s.%N)
/usr/bin/time -f "yagura (whole process): %e s wall, %U s user, %M KB peak RSS" "$bin" "$gaad"
y_wall=$(echo "$(date +%s.%N) - $y_start" | bc)

echo "== Cloudsplaining scan of the same file"
mkdir -p "$out/cloudsplaining"
cs_start=$(date +%s.%N)
/usr/bin/time -f "cloudsplaining: %e s wall, %U s user, %M KB peak RSS" \
    "$venv/bin/cloudsplaining" scan --input-file "$gaad" --output "$out/cloudsplaining" >"$out/cloudsplaining.log" 2>"$out/cloudsplaining.err" \
    || echo "cloudsplaining failed: see $out/cloudsplaining.err"
tail -1 "$out/cloudsplaining.err"
cs_wall=$(echo "$(date +%s.%N) - $cs_start" | bc)
python3 - "$out/cloudsplaining" <<'PY'
import glob, json, sys
for f in glob.glob(sys.argv[1] + "/iam-results-*.json"):
    d = json.load(open(f))
    pols = list(d.get("inline_policies", {}).values()) + list(d.get("aws_managed_policies", {}).values()) \
        + list(d.get("customer_managed_policies", {}).values())
    pe = sum(1 for p in pols if (p.get("PrivilegeEscalation") or {}).get("findings"))
    print(f"cloudsplaining: {len(pols)} policies, {pe} with privilege-escalation findings (per policy: no path, no target)")
PY
echo "ratio cloudsplaining / yagura (wall, whole processes): $(echo "scale=1; $cs_wall / $y_wall" | bc)x"

echo "== PMapper on the same files"
/usr/bin/time -f "pmapper (tenth): %e s wall, %U s user, %M KB peak RSS" \
    "$venv/bin/python" "$root/bench/pmapper_gaad.py" "$small" || true
"$bin" "$small" | sed 's/^/tenth, /'
if [ "$pmapper_timeout" != 0 ]; then
    timeout "$pmapper_timeout" /usr/bin/time -f "pmapper (whole): %e s wall, %U s user, %M KB peak RSS" \
        "$venv/bin/python" "$root/bench/pmapper_gaad.py" "$gaad" \
        || echo "pmapper (whole): did not finish within ${pmapper_timeout} s"
fi
echo "files in $out"
