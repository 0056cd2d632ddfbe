# Installs the pinned test tools; sourced by scripts/test.sh, scripts/demo.sh and bench/.
# An install is redone only when the pin files it was made from changed (their hash is kept in
# the install's `.pins` file).

pins_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

pins_stamp() { cat "$@" | sha256sum | cut -d' ' -f1; }

# moto[server], boto3, awscli, aiosmtpd and their whole dependency closure, into $YAGURA_VENV.
ensure_test_venv() {
  export YAGURA_VENV="${YAGURA_VENV:-$HOME/.cache/yagura-venv}"
  local want
  want=$(pins_stamp "$pins_dir/pip.txt" "$pins_dir/requirements.txt")
  if [ "$(cat "$YAGURA_VENV/.pins" 2>/dev/null)" != "$want" ]; then
    echo "installing the pinned test tools (scripts/pins/requirements.txt) into $YAGURA_VENV" >&2
    rm -rf "$YAGURA_VENV"
    python3 -m venv "$YAGURA_VENV"
    "$YAGURA_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$pins_dir/pip.txt"
    "$YAGURA_VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps \
      -r "$pins_dir/requirements.txt"
    "$YAGURA_VENV/bin/pip" check >&2
    echo "$want" >"$YAGURA_VENV/.pins"
  fi
}

# The IAM differential test's outside engine, @cloud-copilot/iam-simulate, into
# $IAM_SIMULATE_DIR. It is AGPL: installed outside the repository and never committed; only its
# pin (package.json and package-lock.json, with integrity hashes) is.
ensure_iam_simulate() {
  export IAM_SIMULATE_DIR="${IAM_SIMULATE_DIR:-$HOME/.cache/iam-simulate}"
  command -v npm >/dev/null || return 0
  local want
  want=$(pins_stamp "$pins_dir/iam-simulate/package.json" "$pins_dir/iam-simulate/package-lock.json")
  if [ "$(cat "$IAM_SIMULATE_DIR/.pins" 2>/dev/null)" != "$want" ]; then
    echo "installing the pinned @cloud-copilot/iam-simulate into $IAM_SIMULATE_DIR" >&2
    rm -rf "$IAM_SIMULATE_DIR"
    mkdir -p "$IAM_SIMULATE_DIR"
    cp "$pins_dir/iam-simulate/package.json" "$pins_dir/iam-simulate/package-lock.json" \
      "$IAM_SIMULATE_DIR/"
    (cd "$IAM_SIMULATE_DIR" && npm ci --silent --no-audit --no-fund >/dev/null)
    echo "$want" >"$IAM_SIMULATE_DIR/.pins"
  fi
}

# The IAM benchmark's peers (parliament, Cloudsplaining, PMapper) into $IAM_BENCH_VENV.
ensure_iam_bench_venv() {
  export IAM_BENCH_VENV="${IAM_BENCH_VENV:-$HOME/.cache/iam-bench-venv}"
  local want
  want=$(pins_stamp "$pins_dir/pip.txt" "$pins_dir/bench-iam.txt")
  if [ "$(cat "$IAM_BENCH_VENV/.pins" 2>/dev/null)" != "$want" ]; then
    echo "installing the pinned IAM benchmark peers (scripts/pins/bench-iam.txt) into $IAM_BENCH_VENV" >&2
    rm -rf "$IAM_BENCH_VENV"
    python3 -m venv "$IAM_BENCH_VENV"
    "$IAM_BENCH_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$pins_dir/pip.txt"
    "$IAM_BENCH_VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps \
      -r "$pins_dir/bench-iam.txt"
    "$IAM_BENCH_VENV/bin/pip" check >&2
    echo "$want" >"$IAM_BENCH_VENV/.pins"
  fi
}
