#!/usr/bin/env bash
# Behaviour of the checks before and after a change (issue 13, acceptance 2): the JSON reports of
# the demo audit, the Debian bookworm host scan (with the bookworm-security fixes imported as an
# OSV feed), the Invictus CloudTrail scan with the SigmaHQ CloudTrail rules and an `iam analyze`
# of the GetAccountAuthorizationDetails fixture, made by two yagura binaries and compared byte
# for byte once the times are masked (`generated_at` and every RFC 3339 time of today).
#
#   scripts/compare_reports.sh BEFORE_BIN AFTER_BIN [OUT_DIR]
#
# Prints one line per report (same / differs) and the unified diff of those that differ; exits 1
# when one differs. Reports stay in OUT_DIR (default: a temporary directory).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/../shared/testdata"
before="$(realpath "$1")"
after="$(realpath "$2")"
out="${3:-$(mktemp -d)}"
mkdir -p "$out"

feed="$out/debian-osv"
rm -rf "$feed" && mkdir -p "$feed"
python3 - "$data/host/debian/advisories/bookworm-security-changelog-fixes.tsv" "$feed" <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[1]).read().splitlines()):
    c = line.split("\t")
    if len(c) < 3:
        continue
    rec = {"id": f"T-{i}", "aliases": [c[2]],
           "affected": [{"package": {"ecosystem": "Debian:12", "name": c[0]},
                         "ecosystem_specific": {"urgency": "high"},
                         "ranges": [{"type": "ECOSYSTEM",
                                     "events": [{"introduced": "0"}, {"fixed": c[1]}]}]}]}
    open(f"{sys.argv[2]}/{i}.json", "w").write(json.dumps(rec))
PY

run() { # NAME BIN
    local name="$1" bin="$2" dir="$out/$1-data"
    rm -rf "$dir" && mkdir -p "$dir"
    local y=(env -u YAGURA_EXCEPTIONS -u YAGURA_DATA_DIR LC_ALL=C "$bin" --lang en --data-dir "$dir")
    "${y[@]}" audit --demo --format json >"$out/$name-audit.json" 2>"$out/$name-audit.err" || true
    "${y[@]}" db import "$feed" >/dev/null 2>&1
    "${y[@]}" host --root "$data/host/debian/bookworm-default" --no-runtime --format json \
        >"$out/$name-host.json" 2>"$out/$name-host.err" || true
    "${y[@]}" trail scan "$data/cloudtrail/invictus" --sigma "$data/cloudtrail/sigma/rules" \
        --format json >"$out/$name-trail.json" 2>"$out/$name-trail.err" || true
    "${y[@]}" iam analyze "$root/crates/yagura-iam/tests/fixtures/account-authorization-details.json" \
        --format json >"$out/$name-iam.json" 2>"$out/$name-iam.err" || true
}
run before "$before"
run after "$after"

status=0
for r in audit host trail iam; do
    for side in before after; do
        python3 - "$out/$side-$r.json" >"$out/$side-$r.masked.json" <<'PY'
import json, re, sys, datetime
text = open(sys.argv[1]).read()
v = json.loads(text)
def mask(x):
    if isinstance(x, dict):
        return {k: ("<time>" if k in ("generated_at", "collected_at") else mask(w)) for k, w in x.items()}
    if isinstance(x, list):
        return [mask(w) for w in x]
    return x
out = json.dumps(mask(v), indent=1, ensure_ascii=False)
today = datetime.date.today().isoformat()
print(re.sub(today + r"T[0-9:.]+Z", "<now>", out))
PY
    done
    if cmp -s "$out/before-$r.masked.json" "$out/after-$r.masked.json"; then
        echo "$r: same ($(wc -c <"$out/after-$r.json") bytes)"
    else
        echo "$r: differs"
        diff -u "$out/before-$r.masked.json" "$out/after-$r.masked.json" | head -200 || true
        status=1
    fi
done
echo "reports in $out"
exit $status
