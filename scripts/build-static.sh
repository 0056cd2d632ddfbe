#!/usr/bin/env bash
# Builds the static (musl) Linux binary of yagura that releases ship, for x86_64 or aarch64:
#   dist/yagura-ARCH-unknown-linux-musl            static, stripped, thin LTO (profile `dist`),
#                                                   its dependency list embedded (cargo auditable)
#   dist/yagura-ARCH-unknown-linux-musl.sha256     its SHA-256, as `sha256sum -c` reads it
#   dist/yagura-ARCH-unknown-linux-musl.cdx.json   a CycloneDX SBOM of its dependencies
# zig (PyPI's ziglang, through cargo-zigbuild) compiles the C dependencies and links against
# musl for both architectures; the tools are pinned in scripts/pins/dist.txt and dist-cargo.txt
# and installed on first use. scripts/check-static.sh checks the result.
# Usage: scripts/build-static.sh [x86_64|aarch64]   (default: this machine's architecture)
# Environment: YAGURA_DIST_DIR (default dist), CARGO_TARGET_DIR, YAGURA_DIST_VENV,
# YAGURA_DIST_TOOLS.
set -euo pipefail
cd "$(dirname "$0")/.."

arch="${1:-$(uname -m)}"
case "$arch" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *)
    echo "usage: $0 [x86_64|aarch64]" >&2
    exit 2
    ;;
esac
target="$arch-unknown-linux-musl"
out="${YAGURA_DIST_DIR:-dist}"
target_dir="${CARGO_TARGET_DIR:-target}"

. scripts/pins/install.sh
export YAGURA_DIST_VENV="${YAGURA_DIST_VENV:-$HOME/.cache/yagura-dist-venv}"
ensure_venv "$YAGURA_DIST_VENV" "$pins_dir/dist.txt" "the pinned zig toolchain"
tools="${YAGURA_DIST_TOOLS:-$HOME/.cache/yagura-dist-tools}"
while read -r name version; do
  case "$name" in '' | '#'*) continue ;; esac
  if ! cargo install --list --root "$tools" | grep -qxF "$name v$version:"; then
    echo "installing $name $version into $tools" >&2
    cargo install --locked --quiet --root "$tools" "$name" --version "$version"
  fi
done <"$pins_dir/dist-cargo.txt"
export PATH="$tools/bin:$YAGURA_DIST_VENV/bin:$PATH"
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qxF "$target"; then
  rustup target add "$target"
fi

# cargo auditable wraps rustc for the workspace's crates and embeds the dependency list in the
# binary (`cargo audit bin` and Trivy read it); cargo-zigbuild sets zig as CC and linker.
export CARGO_INCREMENTAL=0
cargo auditable zigbuild --workspace --locked --profile dist --target "$target"

mkdir -p "$out"
bin="yagura-$target"
cp "$target_dir/$target/dist/yagura" "$out/$bin"
(cd "$out" && sha256sum "$bin" >"$bin.sha256")

# The SBOM (CycloneDX 1.5) of the binary's package for the same target: what is linked into it,
# without dev- and build-dependencies. cargo cyclonedx writes one file next to each workspace
# member's Cargo.toml: the binary's is moved into $out, the others removed.
cargo cyclonedx --manifest-path crates/yagura/Cargo.toml --format json --target "$target" \
  --spec-version 1.5 --no-build-deps --override-filename "$bin.cdx" --quiet
mv "crates/yagura/$bin.cdx.json" "$out/$bin.cdx.json"
rm -f crates/*/"$bin.cdx.json"

ls -l "$out/$bin" "$out/$bin.sha256" "$out/$bin.cdx.json"
