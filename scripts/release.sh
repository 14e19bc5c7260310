#!/usr/bin/env bash
# release.sh [OUTDIR]: the artefacts a release attaches, into OUTDIR (default
# dist/, git-ignored):
#   provcheck_VERSION_ARCH.deb             the Debian package (dpkg-buildpackage)
#   provcheck-VERSION-linux-ARCH.tar.gz    the same files as a relocatable tree
#                                          (bin/ share/): unpack anywhere, run bin/provcheck
#   SHA256SUMS                             their checksums (sha256sum -c SHA256SUMS)
# The package is built from a copy of the source tree (the files git tracks, plus
# untracked ones it does not ignore), never in the tree itself. The .deb is
# checked with lintian when it is installed (LINTIAN=0 skips that).
# Needs: debhelper and the build dependencies (scripts/setup.sh test).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)

version=$(sed -n 's/^project(provcheck VERSION \([^ )]*\).*/\1/p' "$here/CMakeLists.txt")
deb_version=$(sed -n '1s/^provcheck (\([^)]*\)).*/\1/p' "$here/debian/changelog")
if [ -z "$version" ] || [ "$version" != "$deb_version" ]; then
  echo "release: CMakeLists.txt says version '$version' but debian/changelog '$deb_version'" >&2
  exit 2
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)

work=$(mktemp -d "${TMPDIR:-/tmp}/provcheck-release.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/provcheck-$version
mkdir -p "$src"
if git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  [ -z "$(git -C "$here" status --porcelain)" ] ||
    echo "release: the work tree has uncommitted changes; they are included" >&2
  (cd "$here" && git ls-files -z --cached --others --exclude-standard |
    tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$src"
else
  tar -C "$here" --exclude='./build*' --exclude=./dist --exclude=./.git \
      --exclude=./tests/tools/node_modules -cf - . | tar -xf - -C "$src"
fi

echo "release: building provcheck_${version}_$arch.deb" >&2
jobs=$(nproc 2>/dev/null || echo 2)
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=$jobs ${DEB_BUILD_OPTIONS:-}" \
        dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
  cp "$work/build.log" "$out/build.log"
  tail -n 40 "$work/build.log" >&2
  echo "release: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
  exit 1
fi
deb=provcheck_${version}_$arch.deb
cp "$work/$deb" "$out/$deb"

if [ "${LINTIAN:-1}" != 0 ] && command -v lintian >/dev/null 2>&1; then
  echo "release: lintian $deb" >&2
  lintian --fail-on error,warning "$out/$deb" >&2
fi

# The tarball holds exactly the package's files, /usr as its root: the binary
# finds its packs at BIN/../share/provcheck/plugins wherever it is unpacked.
tree=provcheck-$version-linux-$arch
dpkg-deb -x "$out/$deb" "$work/unpacked"
mv "$work/unpacked/usr" "$work/$tree"
tarball=$tree.tar.gz
mtime=$(dpkg-parsechangelog -l "$here/debian/changelog" -S Timestamp)
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
    -cf - "$tree" | gzip -n -9 >"$out/$tarball"

(cd "$out" && sha256sum "$deb" "$tarball" >SHA256SUMS)
echo "release: $out/$deb, $out/$tarball, $out/SHA256SUMS" >&2
