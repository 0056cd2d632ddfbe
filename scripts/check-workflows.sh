#!/usr/bin/env bash
# Validates the GitHub workflow files (.github/workflows/*.yml) and the action (action.yml)
# against the schemas bundled with the pinned check-jsonschema (scripts/pins/workflows.txt; no
# network at check time), the pre-commit hooks (.pre-commit-hooks.yaml) against the manifest
# schema kept in scripts/pins, and that the action pins every action it uses by commit SHA.
# Called from .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pins/install.sh
export YAGURA_WORKFLOWS_VENV="${YAGURA_WORKFLOWS_VENV:-$HOME/.cache/yagura-workflows-venv}"
ensure_venv "$YAGURA_WORKFLOWS_VENV" "$pins_dir/workflows.txt" "the pinned workflow checker"
check="$YAGURA_WORKFLOWS_VENV/bin/check-jsonschema"
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -gt 0 ]; then
  "$check" --builtin-schema vendor.github-workflows "${workflows[@]}"
fi
for action in action.yml action.yaml; do
  if [ -f "$action" ]; then "$check" --builtin-schema vendor.github-actions "$action"; fi
done
if [ -f .pre-commit-hooks.yaml ]; then
  "$check" --schemafile "$pins_dir/pre-commit-hooks.schema.json" .pre-commit-hooks.yaml
fi
# an action used by ours runs with the user's token: only a full commit SHA pins it
for action in action.yml action.yaml; do
  if [ -f "$action" ]; then
    if grep -nE '^\s*uses:' "$action" | grep -vE 'uses: [^@]+@[0-9a-f]{40}(\s|$)'; then
      echo "$action: every 'uses:' must pin a commit SHA" >&2
      exit 1
    fi
  fi
done
