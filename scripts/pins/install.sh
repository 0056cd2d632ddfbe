# Installs the pinned test tools; sourced by scripts/test.sh, scripts/demo.sh and bench/.
# An install is redone only when the pin files it was made from changed (their hash is kept in
# the install's `.pins` file).

pins_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

pins_stamp() { cat "$@" | sha256sum | cut -d' ' -f1; }

# A venv at DIR holding exactly the packages of PINS (their whole closure, installed with
# --no-deps), rebuilt when pip.txt or PINS changed.
ensure_venv() {
  local dir="$1" pins="$2" what="$3" want
  want=$(pins_stamp "$pins_dir/pip.txt" "$pins")
  if [ "$(cat "$dir/.pins" 2>/dev/null)" != "$want" ]; then
    echo "installing $what ($pins) into $dir" >&2
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$pins_dir/pip.txt"
    "$dir/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$pins"
    "$dir/bin/pip" check >&2
    echo "$want" >"$dir/.pins"
  fi
}

# moto[server], boto3, awscli, aiosmtpd and their whole dependency closure, into $YAGURA_VENV.
ensure_test_venv() {
  export YAGURA_VENV="${YAGURA_VENV:-$HOME/.cache/yagura-venv}"
  ensure_venv "$YAGURA_VENV" "$pins_dir/requirements.txt" "the pinned test tools"
}

# The npm packages pinned in $pins_dir/NAME (package.json and package-lock.json, with integrity
# hashes) into DIR, with `npm ci`; redone when the pin changed. Nothing happens without npm.
ensure_npm_pin() {
  local name="$1" dir="$2" want
  command -v npm >/dev/null || return 0
  want=$(pins_stamp "$pins_dir/$name/package.json" "$pins_dir/$name/package-lock.json")
  if [ "$(cat "$dir/.pins" 2>/dev/null)" != "$want" ]; then
    echo "installing the pinned $name into $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$pins_dir/$name/package.json" "$pins_dir/$name/package-lock.json" "$dir/"
    (cd "$dir" && npm ci --silent --no-audit --no-fund >/dev/null)
    echo "$want" >"$dir/.pins"
  fi
}

# The IAM differential test's outside engine, @cloud-copilot/iam-simulate, into
# $IAM_SIMULATE_DIR. It is AGPL: installed outside the repository and never committed; only its
# pin is.
ensure_iam_simulate() {
  export IAM_SIMULATE_DIR="${IAM_SIMULATE_DIR:-$HOME/.cache/iam-simulate}"
  ensure_npm_pin iam-simulate "$IAM_SIMULATE_DIR"
}

# Microsoft's SARIF validator (@microsoft/sarif-multitool, a self-contained .NET program), run
# by crates/yagura/tests/sarif_validate.rs with GitHub's rules, into $SARIF_MULTITOOL_DIR. npm
# no longer runs its install script, which only marks the program executable: done here.
ensure_sarif_multitool() {
  export SARIF_MULTITOOL_DIR="${SARIF_MULTITOOL_DIR:-$HOME/.cache/sarif-multitool}"
  ensure_npm_pin sarif-multitool "$SARIF_MULTITOOL_DIR"
  chmod u+x "$SARIF_MULTITOOL_DIR"/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool \
    2>/dev/null || true
}

# DuckDB for the Sigma-as-SQL differential test (crates/yagura/tests/trail_sql.rs), into
# $DUCKDB_VENV.
ensure_duckdb() {
  export DUCKDB_VENV="${DUCKDB_VENV:-$HOME/.cache/yagura-duckdb}"
  ensure_venv "$DUCKDB_VENV" "$pins_dir/duckdb.txt" "the pinned DuckDB"
}

# The IAM benchmark's peers (parliament, Cloudsplaining, PMapper) into $IAM_BENCH_VENV.
ensure_iam_bench_venv() {
  export IAM_BENCH_VENV="${IAM_BENCH_VENV:-$HOME/.cache/iam-bench-venv}"
  ensure_venv "$IAM_BENCH_VENV" "$pins_dir/bench-iam.txt" "the pinned IAM benchmark peers"
}
