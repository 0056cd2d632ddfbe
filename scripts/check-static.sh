#!/usr/bin/env bash
# Checks the static binaries that scripts/build-static.sh left in dist/ (issue 19, acceptance 1):
# - x86_64: statically linked (`file`; `readelf -d` shows no NEEDED library), the dependency list
#   of cargo auditable embedded (`.dep-v0`), `yagura --version` runs, and `yagura --version` and
#   `yagura host --root /` run under chroot inside
#     * a Debian root filesystem made by debootstrap (minbase; Debian 11 "bullseye" by default,
#       the oldest release on Debian's mirror — Debian 10 lives on archive.debian.org, which this
#       machine cannot reach: YAGURA_DEBIAN_SUITE=buster YAGURA_DEBIAN_MIRROR=… where it can),
#       cached in YAGURA_ROOTFS_DIR (default ~/.cache/yagura-rootfs);
#     * an Ubuntu 16.04 "xenial" root filesystem made the same way from archive.ubuntu.com
#       (glibc 2.23, older than Debian 10's 2.28), cached beside it;
#     * an rpm root filesystem made here: `rpm --root DIR --dbpath /var/lib/rpm --initdb` (sqlite,
#       where Amazon Linux 2023 keeps it; Debian's rpm defaults to ~/.rpmdb) and three
#       packages built with rpmbuild (Amazon Linux 2023's os-release in `system-release`,
#       `filesystem`, `openssl-libs`), installed with `rpm --root`;
#   the host scan must read the right OS and package database and exit 0 or 1 (findings).
# - aarch64 (when built): static, and `yagura --version` runs under qemu-user-static.
# Root is needed (chroot, debootstrap). Installs debootstrap, qemu-user-static, rpm, file and
# binutils (readelf) from apt when missing.
# Usage: scripts/check-static.sh [DIST_DIR]   (default: dist)
set -euo pipefail
cd "$(dirname "$0")/.."
dist="$(cd "${1:-${YAGURA_DIST_DIR:-dist}}" && pwd)"
x86="$dist/yagura-x86_64-unknown-linux-musl"
arm="$dist/yagura-aarch64-unknown-linux-musl"
rootfs_dir="${YAGURA_ROOTFS_DIR:-$HOME/.cache/yagura-rootfs}"
suite="${YAGURA_DEBIAN_SUITE:-bullseye}"
mirror="${YAGURA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ubuntu_suite="${YAGURA_UBUNTU_SUITE:-xenial}"
ubuntu_mirror="${YAGURA_UBUNTU_MIRROR:-http://archive.ubuntu.com/ubuntu}"
# xenial's main/binary-amd64/Packages: ubuntu-keyring 2012.05.19
ubuntu_keyring_deb=pool/main/u/ubuntu-keyring/ubuntu-keyring_2012.05.19_all.deb
ubuntu_keyring_sha256=315a58b14eec1e9252b2a2e294f2a4be1ccd043adb58bf5b7f56a538843ed504

fail() {
  echo "check-static: $*" >&2
  exit 1
}
[ -x "$x86" ] || fail "no $x86: run scripts/build-static.sh x86_64 first"

need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v rpmbuild >/dev/null || need+=(rpm)
command -v file >/dev/null || need+=(file)
command -v curl >/dev/null || need+=(curl)
command -v readelf >/dev/null || need+=(binutils)
# debootstrap of a Debian suite on another distribution (Ubuntu's CI runners) needs Debian's keys
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

chroot="$(command -v chroot)"
work="$(mktemp -d)"
mounted=()
server=""
cleanup() {
  local m
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# static: no interpreter, no NEEDED entry, and the auditable dependency list kept by strip.
check_static() {
  local bin="$1" what
  what="$(file -b "$bin")"
  echo "$(basename "$bin"): $what"
  case "$what" in
    *"statically linked"* | *"static-pie linked"*) ;;
    *) fail "$bin is not statically linked" ;;
  esac
  if readelf -d "$bin" | grep -q '(NEEDED)'; then
    readelf -d "$bin" | grep '(NEEDED)' >&2
    fail "$bin needs shared libraries"
  fi
  # cargo auditable's list: zlib-compressed JSON in the .dep-v0 section, yagura as its root
  # (read from the ELF section table here: the host's objcopy knows only the host's machine)
  python3 - "$bin" <<'PY' || fail "$bin: no readable cargo auditable dependency list (.dep-v0)"
import json, struct, sys, zlib
elf = open(sys.argv[1], "rb").read()
assert elf[:6] == b"\x7fELF\x02\x01", "not a little-endian ELF64"
shoff, = struct.unpack_from("<Q", elf, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
def section(i):
    name, _, _, _, offset, size = struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize)
    return name, offset, size
names = section(shstrndx)[1]
for i in range(shnum):
    name, offset, size = section(i)
    if elf[names + name:names + name + 8] == b".dep-v0\0":
        packages = json.loads(zlib.decompress(elf[offset:offset + size]))["packages"]
        break
else:
    sys.exit("no .dep-v0 section")
roots = [p["name"] for p in packages if p.get("root")]
assert roots == ["yagura"], roots
assert any(p["name"] == "aws-lc-sys" for p in packages)
print(f"  embedded dependency list: {len(packages)} packages")
PY
  (cd "$dist" && sha256sum --quiet -c "$(basename "$bin").sha256") || fail "$bin: checksum"
  echo "$(basename "$bin"): $(stat -c %s "$bin") bytes"
}

# Runs the binary in ROOT under chroot: --version, then a host scan of the chroot's own `/`
# whose JSON must name OS_ID and DB with at least one package.
run_in_root() {
  local root="$1" os_id="$2" db="$3" rc=0
  install -D -m 0755 "$x86" "$root/usr/local/bin/yagura"
  mkdir -p "$root/proc" "$root/tmp"
  if mount -t proc proc "$root/proc" 2>/dev/null; then mounted+=("$root/proc"); fi
  # a clean environment inside (env -i), chroot found on this machine's PATH before it
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp "$chroot" "$root" yagura --version
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp "$chroot" "$root" \
    yagura --data-dir /tmp/yagura host --root / --allow-incomplete --format json \
    >"$work/host.json" || rc=$?
  [ "$rc" -le 1 ] || fail "yagura host --root / in $root exited $rc"
  python3 - "$work/host.json" "$os_id" "$db" <<'PY'
import json, sys
report, os_id, db = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
host = report["host"]
print(f"  host scan: {host['os']['pretty_name']}, {host['package_db']} database, "
      f"{host['packages']} packages, {report['summary']['total']} results, errors {report['errors']}")
assert host["os"]["id"] == os_id, host["os"]
assert host["package_db"] == db, host["package_db"]
assert host["packages"] > 0
assert report["errors"] == [], report["errors"]
PY
  rm -rf "$root/tmp/yagura" "$root/usr/local/bin/yagura"
  if [ "${#mounted[@]}" -gt 0 ] && [ "${mounted[-1]}" = "$root/proc" ]; then
    umount "$root/proc"
    unset 'mounted[-1]'
  fi
}

echo "== x86_64"
check_static "$x86"
"$x86" --version

echo "== Debian $suite root filesystem (debootstrap --variant=minbase, $mirror)"
debian="$rootfs_dir/debian-$suite"
if [ ! -f "$debian/etc/os-release" ]; then
  rm -rf "$debian.tmp"
  mkdir -p "$rootfs_dir"
  debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    "$suite" "$debian.tmp" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    {
      tail -20 "$work/debootstrap.log" >&2
      fail "debootstrap $suite failed"
    }
  mv "$debian.tmp" "$debian"
fi
grep PRETTY_NAME "$debian/etc/os-release"
run_in_root "$debian" debian dpkg

# Ubuntu 16.04 (glibc 2.23): older than every host the issue names (Amazon Linux 2 2.26, RHEL 8 and
# Debian 10 2.28, Ubuntu 20.04 2.31). Ubuntu's archive key comes from the xenial ubuntu-keyring
# package, checked against the SHA-256 that xenial's package index gives for it.
echo "== Ubuntu $ubuntu_suite root filesystem (debootstrap --variant=minbase, $ubuntu_mirror)"
ubuntu="$rootfs_dir/ubuntu-$ubuntu_suite"
if [ ! -f "$ubuntu/etc/os-release" ]; then
  rm -rf "$ubuntu.tmp"
  mkdir -p "$rootfs_dir" "$work/ubuntu-keyring"
  curl -fsSL -o "$work/ubuntu-keyring.deb" "$ubuntu_mirror/$ubuntu_keyring_deb" ||
    fail "cannot download $ubuntu_mirror/$ubuntu_keyring_deb"
  echo "$ubuntu_keyring_sha256  $work/ubuntu-keyring.deb" | sha256sum --quiet -c ||
    fail "$ubuntu_keyring_deb: checksum differs from the pinned one"
  dpkg-deb -x "$work/ubuntu-keyring.deb" "$work/ubuntu-keyring"
  debootstrap --variant=minbase \
    --keyring="$work/ubuntu-keyring/usr/share/keyrings/ubuntu-archive-keyring.gpg" \
    "$ubuntu_suite" "$ubuntu.tmp" "$ubuntu_mirror" >"$work/debootstrap-ubuntu.log" 2>&1 ||
    {
      tail -20 "$work/debootstrap-ubuntu.log" >&2
      fail "debootstrap $ubuntu_suite failed"
    }
  mv "$ubuntu.tmp" "$ubuntu"
fi
grep PRETTY_NAME "$ubuntu/etc/os-release"
run_in_root "$ubuntu" ubuntu dpkg

echo "== rpm root filesystem (rpm --initdb + packages built here with rpmbuild)"
rpmroot="$work/rpm-root"
mkdir -p "$rpmroot" "$work/rpmbuild"
rpm --root "$rpmroot" --dbpath /var/lib/rpm --initdb
spec() { # NAME EPOCH:VERSION-RELEASE, then the %install body on stdin; prints the .rpm's path
  local name="$1" evr="$2" body
  body="$(cat)"
  local epoch="${evr%%:*}" vr="${evr#*:}"
  cat >"$work/$name.spec" <<SPEC
Name: $name
Epoch: $epoch
Version: ${vr%-*}
Release: ${vr##*-}
Summary: $name, made by scripts/check-static.sh for a test root filesystem
License: Apache-2.0
BuildArch: x86_64
%description
Made by scripts/check-static.sh for a test root filesystem.
%install
$body
%files
/*
SPEC
  rpmbuild --quiet --define "_topdir $work/rpmbuild" --define "_build_id_links none" \
    -bb "$work/$name.spec" >/dev/null
  find "$work/rpmbuild/RPMS" -name "$name-*.rpm"
}
pkgs=()
pkgs+=("$(spec filesystem 0:3.18-6.amzn2023 <<'SH'
mkdir -p %{buildroot}/etc %{buildroot}/tmp %{buildroot}/usr/bin %{buildroot}/usr/local/bin %{buildroot}/var/lib
SH
)")
pkgs+=("$(spec system-release 0:2023.6.20241010-0.amzn2023 <<'SH'
mkdir -p %{buildroot}/etc
cat > %{buildroot}/etc/os-release <<'OS'
NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PLATFORM_ID="platform:al2023"
PRETTY_NAME="Amazon Linux 2023.6.20241010"
OS
echo "Amazon Linux release 2023.6.20241010 (Amazon Linux)" > %{buildroot}/etc/system-release
SH
)")
pkgs+=("$(spec openssl-libs 1:3.0.8-1.amzn2023.0.14 <<'SH'
mkdir -p %{buildroot}/usr/lib64
echo "made by scripts/check-static.sh" > %{buildroot}/usr/lib64/libssl.so.3
SH
)")
rpm --root "$rpmroot" --dbpath /var/lib/rpm -i --nodeps "${pkgs[@]}"
rpm --root "$rpmroot" --dbpath /var/lib/rpm -qa | sort | sed 's/^/  /'
run_in_root "$rpmroot" amzn rpm-sqlite

echo "== scripts/install.sh from a local copy of the release's files"
mkdir -p "$work/release/good" "$work/release/bad"
cp "$x86" "$x86.sha256" "$work/release/good/"
cp "$x86" "$x86.sha256" "$work/release/bad/"
printf 'x' | dd of="$work/release/bad/$(basename "$x86")" bs=1 seek=1000 conv=notrunc status=none
python3 -c '
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
h.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
print(s.server_address[1], flush=True)
s.serve_forever()
' "$work/release" >"$work/port" 2>/dev/null &
server=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$work/port" ] && break; sleep 0.2; done
port="$(cat "$work/port")"
YAGURA_DOWNLOAD_URL="http://127.0.0.1:$port/good" YAGURA_INSTALL_DIR="$work/bin" \
  sh scripts/install.sh || fail "install.sh refused the release"
"$work/bin/yagura" --version >/dev/null
if YAGURA_DOWNLOAD_URL="http://127.0.0.1:$port/bad" YAGURA_INSTALL_DIR="$work/bin-bad" \
  sh scripts/install.sh 2>"$work/bad.err"; then
  fail "install.sh installed a binary whose checksum does not match"
fi
grep -q "checksum mismatch" "$work/bad.err" || fail "install.sh: $(cat "$work/bad.err")"
[ ! -e "$work/bin-bad/yagura" ] || fail "install.sh left a binary after a checksum mismatch"
echo "  a changed byte: $(cat "$work/bad.err")"
kill "$server"
server=""

if [ -e "$arm" ]; then
  echo "== aarch64 (qemu-aarch64-static)"
  check_static "$arm"
  qemu-aarch64-static "$arm" --version
else
  echo "== aarch64: no $arm (scripts/build-static.sh aarch64), not checked"
fi
echo "check-static: ok"
