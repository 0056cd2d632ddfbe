#!/usr/bin/env bash
# Checks the deployment templates in deploy/: cfn-lint (pinned in scripts/pins/deploy.txt) on
# every CloudFormation template, and the read-only audit role of both templates (the member
# accounts' StackSet role and the audit task's own) grants exactly the actions of
# policy/yagura-audit-readonly.json, the calls yagura-collect makes. Called from .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pins/install.sh
export YAGURA_DEPLOY_VENV="${YAGURA_DEPLOY_VENV:-$HOME/.cache/yagura-deploy-venv}"
ensure_venv "$YAGURA_DEPLOY_VENV" "$pins_dir/deploy.txt" "the pinned template checker"
"$YAGURA_DEPLOY_VENV/bin/cfn-lint" deploy/cloudformation/*.yaml
"$YAGURA_DEPLOY_VENV/bin/python" - <<'PY'
import json, sys, yaml

class Loader(yaml.SafeLoader):
    pass

# CloudFormation's short forms (!Ref, !Sub ...) as plain values: only the policies are read.
Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
want = set(json.load(open("policy/yagura-audit-readonly.json"))["Statement"][0]["Action"])
bad = 0
for path, role in (("deploy/cloudformation/member-audit-role.yaml", "AuditRole"),
                   ("deploy/cloudformation/yagura-org.yaml", "AuditTaskRole")):
    t = yaml.load(open(path), Loader=Loader)
    got = None
    for p in t["Resources"][role]["Properties"]["Policies"]:
        for s in p["PolicyDocument"]["Statement"]:
            if s.get("Sid") == "YaguraAuditReadOnly":
                got = set(s["Action"])
    if got != want:
        bad = 1
        print(f"{path} {role}: the read-only actions differ from policy/yagura-audit-readonly.json:"
              f" missing {sorted(want - (got or set()))}, extra {sorted((got or set()) - want)}",
              file=sys.stderr)
sys.exit(bad)
PY
echo "deploy/ templates: cfn-lint clean, audit roles equal to policy/yagura-audit-readonly.json"
