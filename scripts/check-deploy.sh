#!/usr/bin/env bash
# Checks deploy/, called from .ci/run:
# - cfn-lint (pinned in scripts/pins/deploy.txt) on every CloudFormation template, and the
#   read-only audit role of both templates (the member accounts' StackSet role and the audit
#   task's own) grants exactly the actions of policy/yagura-audit-readonly.json, the calls
#   yagura-collect makes (deploy/terraform reads that file itself: there is nothing to compare);
# - deploy/terraform and its module: `terraform fmt -check`, and `terraform init -backend=false`
#   and `terraform validate` in a temporary copy, the AWS provider taken from a local mirror
#   (YAGURA_TF_MIRROR, default /opt/tf-plugins; the registry is never asked). Without terraform
#   or the mirror it says that Terraform was NOT validated, and goes on;
# - deploy/systemd: `systemd-analyze verify` and an offline `systemd-analyze security` review of
#   the units, and each service's command line (with the settings of yagura.env.example, its
#   commented examples included) parsed by yagura (YAGURA_BIN, default
#   $CARGO_TARGET_DIR/debug/yagura). verify wants ExecStart's program to exist, so it runs on a
#   copy whose ExecStart names that binary instead of /usr/local/bin/yagura; without a binary
#   the copy names `true`, and it says that the command lines were NOT checked.
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

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- Terraform ----------------------------------------------------------------------------------
tf_mirror="${YAGURA_TF_MIRROR:-/opt/tf-plugins}"
if ! command -v terraform >/dev/null; then
  echo "deploy/terraform: NOT validated: no terraform on PATH"
elif [ ! -d "$tf_mirror/registry.terraform.io/hashicorp/aws" ]; then
  echo "deploy/terraform: NOT validated: no AWS provider in the mirror $tf_mirror" \
    "(YAGURA_TF_MIRROR; the registry is never asked)"
else
  # The mirror only, never the registry, and nothing of the user's own CLI configuration.
  printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' \
    "$tf_mirror" >"$tmp/terraformrc"
  export TF_CLI_CONFIG_FILE="$tmp/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
  unset TF_DATA_DIR TF_PLUGIN_CACHE_DIR
  terraform fmt -check -recursive -diff -no-color deploy/terraform || {
    echo "deploy/terraform: not in terraform's format (terraform fmt -recursive deploy/terraform)" >&2
    exit 1
  }
  # A copy keeps .terraform/ and the lock file out of the checkout; the configuration reads
  # ../cloudformation and ../../policy, so those come along to the same places.
  mkdir -p "$tmp/repo/deploy" "$tmp/repo/policy"
  cp -R deploy/terraform deploy/cloudformation "$tmp/repo/deploy/"
  cp policy/yagura-audit-readonly.json "$tmp/repo/policy/"
  for dir in deploy/terraform deploy/terraform/modules/member-audit-role; do
    if ! (cd "$tmp/repo/$dir" && terraform init -backend=false -input=false -no-color) \
      >"$tmp/init.log" 2>&1; then
      cat "$tmp/init.log" >&2
      echo "$dir: terraform init failed (provider mirror $tf_mirror)" >&2
      exit 1
    fi
    (cd "$tmp/repo/$dir" && terraform validate -no-color) | sed "/^$/d; s#^#$dir: #"
  done
  echo "deploy/terraform: fmt clean, valid with $(terraform version | head -1)" \
    "and the AWS provider of $tf_mirror"
fi

# --- systemd ------------------------------------------------------------------------------------
yagura_bin="${YAGURA_BIN:-${CARGO_TARGET_DIR:-target}/debug/yagura}"
if ! command -v systemd-analyze >/dev/null; then
  echo "deploy/systemd: NOT verified: no systemd-analyze on PATH"
else
  true_bin="$(type -P true)"
  if [ -x "$yagura_bin" ]; then
    exec_bin="$(cd "$(dirname "$yagura_bin")" && pwd)/$(basename "$yagura_bin")"
  else
    exec_bin="$true_bin"
    echo "deploy/systemd: the services' command lines NOT checked: no yagura binary at" \
      "$yagura_bin (YAGURA_BIN); the units are verified with ExecStart=$exec_bin"
  fi
  mkdir -p "$tmp/units"
  for unit in deploy/systemd/*.service deploy/systemd/*.timer; do
    sed "s#^ExecStart=/usr/local/bin/yagura #ExecStart=$exec_bin #" "$unit" \
      >"$tmp/units/$(basename "$unit")"
  done
  # verify exits 0 on some warnings (an unknown setting, say): any output fails.
  if ! (cd "$tmp/units" && systemd-analyze verify --man=no ./*) >"$tmp/verify.log" 2>&1 \
    || [ -s "$tmp/verify.log" ]; then
    cat "$tmp/verify.log" >&2
    echo "deploy/systemd: systemd-analyze verify failed" >&2
    exit 1
  fi
  # The hardening stays: an exposure above 2.0 (of systemd's 10) fails.
  if ! (cd "$tmp/units" && systemd-analyze security --offline=true --threshold=20 --no-pager \
    ./*.service) >"$tmp/security.log" 2>&1; then
    cat "$tmp/security.log" >&2
    echo "deploy/systemd: a service's exposure rose above 2.0" >&2
    exit 1
  fi
  if [ "$exec_bin" != "$true_bin" ]; then
    python3 - "$exec_bin" deploy/systemd/yagura.env.example deploy/systemd/*.service <<'PY'
import re, shlex, subprocess, sys

# ExecStart as systemd splits it: ${VAR} one word, $VAR split on spaces, an unset variable
# nothing. The settings are the example environment file's, its commented `#KEY=value`
# examples included, so that those are checked too.
binary, env_file, services = sys.argv[1], sys.argv[2], sys.argv[3:]
env = {}
for line in open(env_file):
    m = re.match(r"#?([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
    if m:
        env[m.group(1)] = m.group(2)
bad = 0
for path in services:
    line = next(l for l in open(path) if l.startswith("ExecStart="))
    argv = []
    for word in shlex.split(line.split("=", 1)[1])[1:]:
        m = re.fullmatch(r"\$\{(\w+)\}|\$(\w+)", word)
        if m is None:
            argv.append(word)
        elif m.group(1):
            argv.append(env.get(m.group(1), ""))
        else:
            argv.extend(env.get(m.group(2), "").split())
    # clap refuses an unknown flag or a bad value before it prints the help.
    r = subprocess.run([binary, *argv, "--help"], capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    if r.returncode != 0:
        bad = 1
        print(f"{path}: yagura refuses its command line {argv}:\n{r.stderr}", file=sys.stderr)
sys.exit(bad)
PY
    echo "deploy/systemd: the services' command lines parse with $exec_bin"
  fi
  echo "deploy/systemd: systemd-analyze verify clean, exposure at most 2.0"
fi
