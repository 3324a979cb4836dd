#!/usr/bin/env bash
# Maintainers' refresh step for the vendored native sources (the normal build never calls it).
#   native/update-sources.sh            fetch the newest Debian revision of each pinned package, replace its files in
#                                       native/sources/, rewrite native/versions, print what changed
#   native/update-sources.sh --check    only print what would change (nothing is written)
# Run it when Debian publishes a security update of libde265, libheif, dav1d, libjpeg-turbo or openh264 (their changelogs
# name the CVEs), and at least once a release; then ./build.sh test, and commit native/ with the printed summary.
#
# It reads Debian's source indexes through a private apt configuration (nothing in /etc changes): deb-src entries for
# the suites in SUITES below, on the same mirror as the machine's own apt sources. `.dsc` files often answer 404 on
# newer suites while the tarballs download, so the files are checked by their sha256 against the index, not the .dsc.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CHECK_ONLY=
[ "${1:-}" = --check ] && CHECK_ONLY=1
# Newest first: a package is taken from the first suite that lists it with files that download.
SUITES=${AOTBOT_SOURCE_SUITES:-"trixie-security trixie bookworm-backports bookworm-security bookworm"}
MIRROR=${AOTBOT_DEBIAN_MIRROR:-}

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'native/update-sources.sh: %s\n' "$*" >&2; exit 1; }
command -v apt-get >/dev/null || die "needs apt-get (a Debian machine)"

if [ -z "$MIRROR" ]; then
  MIRROR=$(sed -n 's/^URIs:[[:space:]]*\(\S*debian\)\/\?$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "$MIRROR" ] || MIRROR=$(sed -n 's/^deb[[:space:]]\+\(\S*debian\)\/\?[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
  [ -n "$MIRROR" ] || die "no Debian mirror in /etc/apt; set AOTBOT_DEBIAN_MIRROR"
fi
SECURITY_MIRROR=${MIRROR%/debian}/debian-security

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/lists/partial" "$WORK/cache/archives/partial" "$WORK/parts" "$WORK/files"
for suite in $SUITES; do
  case "$suite" in
    *-security) uri=$SECURITY_MIRROR ;;
    *) uri=$MIRROR ;;
  esac
  printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' \
    "$uri" "$suite" >>"$WORK/parts/sources.sources"
done
APT_OPTS=(-o "Dir::State::Lists=$WORK/lists" -o "Dir::Cache=$WORK/cache" -o Dir::Etc::SourceList=/dev/null
  -o "Dir::Etc::SourceParts=$WORK/parts" -o "APT::Sandbox::User=$(id -un)" -q)
log "apt-get update ($SUITES from $MIRROR)"
apt-get "${APT_OPTS[@]}" update >"$WORK/update.log" 2>&1 || { tail -20 "$WORK/update.log" >&2; die "apt-get update failed"; }

pins() { grep -vE '^\s*(#|$)' "$HERE/versions"; }

# Every version of a source package over all suites, newest first (dpkg's ordering).
versions_newest_first() {
  apt-cache "${APT_OPTS[@]}" showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -u | {
    local all=() v i j t
    while read -r v; do all+=("$v"); done
    for ((i = 0; i < ${#all[@]}; i++)); do
      for ((j = i + 1; j < ${#all[@]}; j++)); do
        if dpkg --compare-versions "${all[j]}" gt "${all[i]}"; then t=${all[i]}; all[i]=${all[j]}; all[j]=$t; fi
      done
    done
    [ ${#all[@]} -eq 0 ] || printf '%s\n' "${all[@]}"
  }
}

# "<file> <sha256>" lines of one version's tarballs, from the Sources index (Checksums-Sha256).
index_files() { # package version
  apt-cache "${APT_OPTS[@]}" showsrc "$1" 2>/dev/null | awk -v v="$2" '
    /^Package: / { take = 0 }
    /^Version: / { take = ($2 == v) }
    take && /^Checksums-Sha256:/ { in_sums = 1; next }
    in_sums && /^ / { if ($3 ~ /\.tar\./ && $3 !~ /\.asc$/) print $3, $1; next }
    { in_sums = 0 }' | sort -u
}

# Downloads one version's tarballs into $WORK/files; true when every one arrived with the index's sha256.
download() { # package version files
  (cd "$WORK/files" && apt-get "${APT_OPTS[@]}" source --download-only "$1=$2") >>"$WORK/fetch.log" 2>&1 || true
  local file sha ok=0
  while read -r file sha; do
    if [ ! -f "$WORK/files/$file" ] || [ "$(sha256sum "$WORK/files/$file" | cut -d' ' -f1)" != "$sha" ]; then
      log "$1 $2: $file did not download (or its sha256 differs from the index)"; ok=1
    fi
  done <<<"$3"
  return $ok
}

changed=0
summary=$WORK/summary
: >"$summary"
new_versions=$WORK/versions
cp "$HERE/versions" "$new_versions"
for pkg in $(pins | awk '!seen[$1]++ { print $1 }'); do
  old=$(pins | awk -v p="$pkg" '$1 == p { print $2; exit }')
  new= files=
  # Newest first; a listed revision whose files answer 404 (it happens for weeks) gives way to the next one.
  for candidate in $(versions_newest_first "$pkg"); do
    dpkg --compare-versions "$candidate" gt "$old" || break
    candidate_files=$(index_files "$pkg" "$candidate")
    if [ -z "$candidate_files" ]; then log "$pkg $candidate: the index names no tarballs"; continue; fi
    if [ -n "$CHECK_ONLY" ]; then new=$candidate files=$candidate_files; break; fi
    if download "$pkg" "$candidate" "$candidate_files"; then new=$candidate files=$candidate_files; break; fi
  done
  if [ -z "$new" ]; then
    log "$pkg $old is the newest obtainable"
    continue
  fi
  log "$pkg: $old -> $new"
  if [ -n "$CHECK_ONLY" ]; then
    printf '%s %s -> %s (listed; not downloaded)\n' "$pkg" "$old" "$new" >>"$summary"; changed=1; continue
  fi
  # The changelog entries between the two revisions, and the CVEs they name.
  debian_tar=$(awk '$1 ~ /\.debian\.tar\./ { print $1 }' <<<"$files")
  entries=
  if [ -n "$debian_tar" ]; then
    tar xf "$WORK/files/$debian_tar" -C "$WORK" debian/changelog 2>/dev/null || true
    if [ -f "$WORK/debian/changelog" ]; then
      entries=$(awk -v old="$old" '/^[a-z0-9][^ ]* \(/ { v = $2; gsub(/[()]/, "", v); if (v == old) exit } { print }' \
        "$WORK/debian/changelog")
      rm -rf "$WORK/debian"
    fi
  fi
  cves=$(grep -oE 'CVE-[0-9]{4}-[0-9]+' <<<"$entries" | sort -u | tr '\n' ' ' || true)
  {
    printf '%s %s -> %s\n' "$pkg" "$old" "$new"
    printf '  CVEs named: %s\n' "${cves:-none}"
    sed 's/^/  | /' <<<"$entries"
  } >>"$summary"
  # Replace the package's files and lines.
  for file in $(pins | awk -v p="$pkg" '$1 == p { print $3 }'); do git -C "$HERE/.." rm -q --cached "native/sources/$file" 2>/dev/null || true; rm -f "$HERE/sources/$file"; done
  awk -v p="$pkg" '$1 != p || /^#/' "$new_versions" >"$new_versions.tmp"
  while read -r file sha; do
    cp "$WORK/files/$file" "$HERE/sources/$file"
    printf '%s %s %s %s\n' "$pkg" "$new" "$file" "$sha" >>"$new_versions.tmp"
  done <<<"$files"
  mv "$new_versions.tmp" "$new_versions"
  changed=1
done

if [ "$changed" -eq 0 ]; then
  echo "native sources are current: nothing changed"
  exit 0
fi
[ -z "$CHECK_ONLY" ] && cp "$new_versions" "$HERE/versions"
cat "$summary"
if [ -z "$CHECK_ONLY" ]; then
  echo "native/versions and native/sources/ rewritten: run ./build.sh test, then commit native/ with the summary above"
fi
