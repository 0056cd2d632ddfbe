#!/usr/bin/env bash
# Validates the GitHub workflow files (.github/workflows/*.yml) and the action (action.yml, when
# there is one) against the schemas bundled with the pinned check-jsonschema
# (scripts/pins/workflows.txt; no network at check time). Called from .ci/run.
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
