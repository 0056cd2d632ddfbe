#!/usr/bin/env bash
# Evaluation speed of the audit checks (issue 2, acceptance 6; issue 18, acceptance 3): `yagura_audit::evaluate` over a
# synthetic inventory of 1,000,000 resources must take at most 1.5 s (best steady; issue 2 asked 2 s).
#
#   bench/audit_eval.sh [RESOURCES] [--breakdown]
#
# The example (crates/yagura-audit/examples/synthetic_eval.rs) builds an Organization of 10
# accounts x 4 regions with users (and their credential-report rows), roles, groups, managed
# policies, security groups with rules, instances, buckets and RDS instances, then times
# `evaluate`: once in the fresh process (what a CLI run waits for) and three times more (the
# best of which is compared to the target). `--breakdown` adds the time per area and lower bounds
# (bare finding construction, policy parsing, date parsing).
# Env: CARGO_TARGET_DIR (default /root/.cache/yagura-target-audit-bench).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/yagura-target-audit-bench}"
cd "$root"
cargo build --release -q --workspace --example synthetic_eval
exec "$CARGO_TARGET_DIR/release/examples/synthetic_eval" "${@:-1000000}"
