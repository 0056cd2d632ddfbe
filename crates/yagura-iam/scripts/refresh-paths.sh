#!/bin/sh
# Regenerates data/privesc-paths.json (the documented privilege-escalation paths: id, name,
# category, required permissions) from the pathfinding.cloud YAML files (Apache-2.0).
# Usage: scripts/refresh-paths.sh [PATHS_DIR]  (default: shared/testdata/iam/pathfinding/data/paths)
# Needs python3 with PyYAML.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$here/../../../shared/testdata/iam/pathfinding/data/paths}
python3 - "$src" <<'PY' >"$here/data/privesc-paths.json"
import glob, json, os, sys, yaml
out = []
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*", "*.yaml"))):
    d = yaml.safe_load(open(f))
    perms = d.get("permissions") or {}
    out.append({
        "id": d["id"],
        "name": d["name"],
        "category": d["category"],
        "required": [p["permission"] for p in perms.get("required") or []],
    })
json.dump({"source": "pathfinding.cloud data/paths (Apache-2.0, see NOTICE-pathfinding)", "paths": out},
          sys.stdout, indent=1)
PY
echo "wrote $here/data/privesc-paths.json"
