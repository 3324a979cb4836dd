#!/usr/bin/env bash
# Assembles a folder holding only what gcr.io/distroless/cc-debian12:nonroot holds — glibc, libgcc, libstdc++, libssl3,
# ca-certificates, tzdata, netbase, base-files, /etc/passwd with uid 65532, a /dev with null and urandom — plus the
# published files in /app. The files come from this Debian machine's own installed packages (dpkg -L).
#   tests/scripts/distroless-rootfs.sh <published-dir> <rootfs-dir> [package-to-leave-out ...]
# Needs root (mknod). Leaving a package out lets a test prove that a missing library fails the run.
set -euo pipefail
published=$1
rootfs=$2
shift 2
leave_out=" $* "

packages=(libc6 libgcc-s1 libstdc++6 libssl3 ca-certificates tzdata netbase base-files)
rm -rf "$rootfs"
mkdir -p "$rootfs/usr"
# Debian 12 is merged-/usr: /lib, /lib64, /bin, /sbin are links into /usr (the dynamic loader is found via /lib64).
for link in lib lib64 bin sbin; do
  if [ -L "/$link" ]; then
    mkdir -p "$rootfs/usr/$link"
    ln -s "usr/$link" "$rootfs/$link"
  fi
done
for pkg in "${packages[@]}"; do
  [[ $leave_out == *" $pkg "* ]] && continue
  arch_pkg=$pkg
  dpkg-query -W -f='${Status}' "$pkg:$(dpkg --print-architecture)" >/dev/null 2>&1 && arch_pkg="$pkg:$(dpkg --print-architecture)"
  dpkg -L "$arch_pkg" | while read -r path; do
    # Files and symlinks only; directories come with them. Documentation is not in distroless either.
    case "$path" in /usr/share/doc/*|/usr/share/man/*|/usr/share/lintian/*|/usr/share/info/*) continue ;; esac
    case "$path" in /lib|/lib64|/bin|/sbin) continue ;; esac
    if [ -f "$path" ] || [ -L "$path" ]; then
      mkdir -p "$rootfs$(dirname "$path")"
      cp -a "$path" "$rootfs$path"
    fi
  done
done
# ca-certificates' bundle is generated at install time, not listed by dpkg -L.
if [ -f /etc/ssl/certs/ca-certificates.crt ] && [[ $leave_out != *" ca-certificates "* ]]; then
  mkdir -p "$rootfs/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
fi

mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/nonroot" "$rootfs/dev" "$rootfs/app" "$rootfs/data"
chmod 1777 "$rootfs/tmp"
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
GROUP
chown 65532:65532 "$rootfs/home/nonroot" "$rootfs/data"
mknod -m 666 "$rootfs/dev/null" c 1 3
mknod -m 666 "$rootfs/dev/urandom" c 1 9
cp -a "$published"/. "$rootfs/app/"
rm -f "$rootfs/app/.stamp"
