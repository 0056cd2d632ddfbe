#!/usr/bin/env bash
# Runs every cargo-fuzz target of the workspace for N seconds each (default 60), with a seed
# corpus taken from the shared test data.
#
# usage: scripts/fuzz.sh [SECONDS] [CRATE-FILTER] [TARGET]
#   e.g. scripts/fuzz.sh 30                      every target, 30 s each
#        scripts/fuzz.sh 300 trail               the targets of crates whose name contains `trail`
#        scripts/fuzz.sh 60 host root_walk       one target of those crates
#
# Each fuzz crate is `crates/<crate>/fuzz/` (its own workspace, `cargo fuzz init` layout). To add
# a crate's targets, give it a `fuzz/` folder; its optional `fuzz/seeds.txt` lists, per target,
# files or folders of ../shared/testdata (`target  path`, one per line, `#` comments; a path
# starting with `./` is in this repository, for inputs the shared data does not have, such as
# saved inventories or yagura's own reports) copied into the target's corpus before the run. Findings (crashes, timeouts, leaks) stay in
# `crates/<crate>/fuzz/artifacts/<target>/` and make the script exit 1.
#
# needs: a nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz
# (`cargo install cargo-fuzz`); without them it says so and exits 2.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
FILTER=${2:-}
ONLY=${3:-}
TESTDATA=${TESTDATA:-../shared/testdata}
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz.sh: no nightly toolchain (rustup toolchain install nightly)" >&2
  exit 2
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is not installed (cargo install cargo-fuzz)" >&2
  exit 2
fi
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-target}/fuzz}
failed=0
ran=0
for dir in crates/*/fuzz; do
  [ -f "$dir/Cargo.toml" ] || continue
  case "$dir" in *"$FILTER"*) ;; *) continue ;; esac
  targets=$(cd "$dir/.." && cargo +nightly fuzz list 2>/dev/null)
  for t in $targets; do
    [ -z "$ONLY" ] || [ "$t" = "$ONLY" ] || continue
    corpus="$dir/corpus/$t"
    mkdir -p "$corpus"
    if [ -f "$dir/seeds.txt" ]; then
      grep -v '^\s*#' "$dir/seeds.txt" | awk -v t="$t" '$1 == t { print $2 }' | while read -r src; do
        case "$src" in ./*) from="$src" ;; *) from="$TESTDATA/$src" ;; esac
        [ -e "$from" ] || { echo "fuzz.sh: seed $from missing" >&2; continue; }
        find "$from" -type f -size -1024k | while read -r f; do
          cp "$f" "$corpus/seed-$(echo "$f" | md5sum | cut -c1-16)"
        done
      done
    fi
    echo "== $dir: $t (${SECONDS_EACH}s, $(ls "$corpus" | wc -l) seed(s))"
    if (cd "$dir/.." && cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
          -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -max_len=1048576 \
          -print_final_stats=1 2>&1 | tail -n 15); then
      :
    fi
    if [ -n "$(ls -A "$dir/artifacts/$t" 2>/dev/null)" ]; then
      echo "fuzz.sh: $t has findings in $dir/artifacts/$t" >&2
      failed=1
    fi
    ran=$((ran + 1))
  done
done
echo "fuzz.sh: $ran target(s) run"
exit $failed
