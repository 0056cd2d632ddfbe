#!/bin/sh
# IAM engine benchmark (yagura-iam, acceptance 5):
#  1. parse, wildcard-expand and classify the 1,641 AWS managed policies (target: <= 1 s);
#  2. simple authorization decisions per second (target: >= 1,000,000);
#  3. the same managed policies through parliament and cloudsplaining (PyPI), side by side.
# Usage: bench/iam.sh            (from the repository root)
# Env:   CARGO_TARGET_DIR (default /root/.cache/yagura-target-iam),
#        IAM_BENCH_VENV   (default /root/.cache/iam-bench-venv; created with
#                          `python3 -m venv $IAM_BENCH_VENV && $IAM_BENCH_VENV/bin/pip install parliament cloudsplaining`)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/yagura-target-iam}"
tarball="$root/../shared/testdata/iam/aws-managed-policies.tar.gz"
[ -f "$tarball" ] || { echo "missing $tarball" >&2; exit 1; }

echo "== yagura-iam"
cargo run --release -q -p yagura-iam --example iam_bench -- "$tarball" 5000000

venv="${IAM_BENCH_VENV:-/root/.cache/iam-bench-venv}"
if [ ! -x "$venv/bin/python" ]; then
    echo "skip parliament/cloudsplaining: no virtualenv at $venv"
    exit 0
fi
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
