#!/usr/bin/env bash
# Sigma rules two ways over the same events (issue 20): `yagura trail scan --sigma` (the
# streaming engine) against DuckDB running `yagura trail sql --dialect duckdb` (the 57 rules,
# one query each, then the combined one-pass query) over the Invictus and Stratus events,
# loaded by crates/yagura-testkit/scripts/duckdb_sql.py. Prints wall/user/sys/peak RSS of
# each process (best of RUNS) and DuckDB's own load and query times.
# Usage: bench/trail_sql.sh [YAGURA_BINARY]   (default: target/release/yagura)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pins/install.sh
ensure_duckdb
Y="${1:-${CARGO_TARGET_DIR:-target}/release/yagura}"
D=../shared/testdata/cloudtrail
RUNS="${RUNS:-3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$Y" trail sql --ddl --dialect duckdb --table cloudtrail >"$tmp/ddl.sql"
"$Y" trail sql --sigma "$D/sigma/rules" --dialect duckdb --table cloudtrail --json --combined \
  >"$tmp/q.json" 2>/dev/null
echo "load: $(cat /proc/loadavg)"
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "scan wall %e user %U sys %S rss_kb %M" "$Y" --quiet --data-dir "$tmp/data" \
    trail scan "$D/invictus" "$D/stratus" --sigma "$D/sigma/rules" --no-native --format json \
    -o "$tmp/scan.json"
done
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "duckdb wall %e user %U sys %S rss_kb %M" "$DUCKDB_VENV/bin/python" \
    crates/yagura-testkit/scripts/duckdb_sql.py "$tmp/ddl.sql" "$tmp/q.json" \
    "$D/invictus" "$D/stratus" >"$tmp/duck.json"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('  duckdb: %d events, load %.3f s, 57 queries %.3f s, combined %.3f s' % (d['events'], d['load_s'], d['query_s'], d['combined']['seconds']))" "$tmp/duck.json"
done
