#!/usr/bin/env bash
# Which compilers build for which machine: the one table native/build.sh, ./build.sh and Dockerfile.distroless share.
#   source native/toolchain.sh && toolchain_choose <build arch> <target arch>   sets TOOLCHAIN_RID, TOOLCHAIN_CROSS, TOOLCHAIN_PACKAGES
#   native/toolchain.sh <build arch> <target arch>                             prints them as rid=… cross=… packages=…
# Architectures are Docker's names (amd64, arm64; BUILDARCH, TARGETARCH), .NET's (x64, arm64) or uname -m's
# (x86_64, aarch64). TOOLCHAIN_CROSS is the GNU triplet prefix of the cross compilers, empty for a native build;
# TOOLCHAIN_PACKAGES the Debian packages that provide them. Anything else fails with one line naming the argument.

toolchain_arch() { # any spelling -> amd64 | arm64 | empty
  case "$1" in
    amd64|x64|x86_64) echo amd64 ;;
    arm64|aarch64) echo arm64 ;;
  esac
}

toolchain_choose() { # build-arch target-arch
  local build target
  build=$(toolchain_arch "${1:-}")
  target=$(toolchain_arch "${2:-}")
  if [ -z "$build" ]; then
    echo "toolchain: unsupported build architecture '${1:-}' (amd64, arm64)" >&2
    return 1
  fi
  if [ -z "$target" ]; then
    echo "toolchain: unsupported target architecture '${2:-}' (amd64, arm64)" >&2
    return 1
  fi
  # build  target  rid          cross prefix        packages
  case "$build $target" in
    "amd64 amd64") TOOLCHAIN_RID=linux-x64   TOOLCHAIN_CROSS=                  TOOLCHAIN_PACKAGES= ;;
    "arm64 arm64") TOOLCHAIN_RID=linux-arm64 TOOLCHAIN_CROSS=                  TOOLCHAIN_PACKAGES= ;;
    "amd64 arm64") TOOLCHAIN_RID=linux-arm64 TOOLCHAIN_CROSS=aarch64-linux-gnu TOOLCHAIN_PACKAGES=crossbuild-essential-arm64 ;;
    "arm64 amd64") TOOLCHAIN_RID=linux-x64   TOOLCHAIN_CROSS=x86_64-linux-gnu  TOOLCHAIN_PACKAGES=crossbuild-essential-amd64 ;;
  esac
  export TOOLCHAIN_RID TOOLCHAIN_CROSS TOOLCHAIN_PACKAGES
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  toolchain_choose "$@" || exit 2
  echo "rid=$TOOLCHAIN_RID cross=$TOOLCHAIN_CROSS packages=$TOOLCHAIN_PACKAGES"
fi
