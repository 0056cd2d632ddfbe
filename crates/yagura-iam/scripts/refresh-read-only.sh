#!/bin/sh
# Regenerates the `read_only_in_aws_policies` member of data/classification.json: the actions
# that AWS grants in its own read-only managed policies (every policy whose name holds
# `ReadOnly` or `ViewOnly`, and SecurityAudit) although the service authorization reference
# gives them a write level (athena:GetSessionEndpoint, iot:ListSubscriptions, …). AWS's curation
# of those policies says they read; "write on every resource" does not count them.
# Usage: scripts/refresh-read-only.sh [TARBALL]
#        (default: shared/testdata/iam/aws-managed-policies.tar.gz, iam-dataset, MIT)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$here/../../../shared/testdata/iam/aws-managed-policies.tar.gz}
python3 - "$src" "$here/data/classification.json" <<'PY'
import json, re, sys, tarfile
acts = {}
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        if "/managedpolicies/" not in m.name or not m.name.endswith(".json"):
            continue
        d = json.load(t.extractfile(m))
        name = d["name"]
        if not (re.search(r"ReadOnly|ViewOnly", name) or name == "SecurityAudit"):
            continue
        for e in d["effective_actions"]:
            if e["access_level"] not in ("Read", "List"):
                acts.setdefault(e["effective_action"], set()).add(name)
path = sys.argv[2]
c = json.load(open(path))
c["read_only_in_aws_policies"] = {a: sorted(p) for a, p in sorted(acts.items())}
with open(path, "w") as f:
    json.dump(c, f, indent=1, ensure_ascii=False)
    f.write("\n")
PY
echo "updated $here/data/classification.json"
