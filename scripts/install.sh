#!/bin/sh
# Installs a released yagura binary for this machine (Linux x86_64 or aarch64, static: any
# distribution) after checking its SHA-256 against the release's checksum file; a mismatch
# installs nothing.
#   sh install.sh            the latest release
#   sh install.sh v0.2.0     a given release
# Environment: YAGURA_INSTALL_DIR (default /usr/local/bin as root, else ~/.local/bin);
# YAGURA_DOWNLOAD_URL, the folder holding the release's files (default: the GitHub release).
set -eu

repo="https://github.com/yagura-sec/yagura"
version="${1:-latest}"

die() {
  echo "install.sh: $*" >&2
  exit 1
}

case "$(uname -s)" in
  Linux) ;;
  *) die "released binaries are for Linux; elsewhere: cargo install --path crates/yagura" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) target=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) target=aarch64-unknown-linux-musl ;;
  *) die "no released binary for $(uname -m); build from source: cargo install --path crates/yagura" ;;
esac

if [ -n "${YAGURA_DOWNLOAD_URL:-}" ]; then
  base="$YAGURA_DOWNLOAD_URL"
elif [ "$version" = latest ]; then
  base="$repo/releases/latest/download"
else
  base="$repo/releases/download/$version"
fi

if [ -n "${YAGURA_INSTALL_DIR:-}" ]; then
  dir="$YAGURA_INSTALL_DIR"
elif [ "$(id -u)" -eq 0 ]; then
  dir=/usr/local/bin
else
  dir="$HOME/.local/bin"
fi

fetch() { # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl --proto '=https,http' -fsSL -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "needs curl or wget"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    die "needs sha256sum or shasum"
  fi
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM
asset="yagura-$target"
echo "downloading $base/$asset"
fetch "$base/$asset" "$tmp/$asset" || die "download of $asset failed"
fetch "$base/$asset.sha256" "$tmp/$asset.sha256" || die "download of $asset.sha256 failed"
want="$(cut -d' ' -f1 "$tmp/$asset.sha256")"
got="$(sha256 "$tmp/$asset")"
case "$want" in
  [0-9a-f]*) [ "${#want}" -eq 64 ] || die "$asset.sha256 holds no SHA-256" ;;
  *) die "$asset.sha256 holds no SHA-256" ;;
esac
[ "$got" = "$want" ] || die "checksum mismatch for $asset: expected $want, got $got; nothing installed"

# Copied next to the old binary first, then renamed over it: a running yagura is not disturbed
# and no half-written file is ever on PATH.
mkdir -p "$dir"
cp "$tmp/$asset" "$dir/.yagura.new.$$"
chmod 0755 "$dir/.yagura.new.$$"
mv -f "$dir/.yagura.new.$$" "$dir/yagura"
echo "installed $("$dir/yagura" --version) to $dir/yagura (sha256 $got)"
case ":$PATH:" in
  *":$dir:"*) ;;
  *) echo "note: $dir is not on PATH" ;;
esac
