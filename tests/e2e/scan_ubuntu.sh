#!/usr/bin/env bash
# vigil scan of an Ubuntu 18.04 (bionic) package database against the whole
# ubuntu-cve-tracker (active + retired, imported with `vigil db import`): the
# dpkg status of claircore's texlive fixture, with a bionic os-release, as a
# root filesystem directory and as a docker-save tarball. The findings
# (ID, package, installed and fixed version, Clair severity, status) equal
# exactly the set tools/ubuntu_expect.py computes from the tracker tarballs and
# the status file alone, with tools/debver.py's dpkg order (itself checked on
# the shared dpkg test vectors and against `dpkg --compare-versions`).
# The tracker snapshot (April 2020) fixes nothing newer than the fixture's
# packages, so every real finding is "no fix yet"; a second package database,
# the same status with every Source: version lowered to 0.1 (binary versions
# untouched), makes the `released (V)` statements match too, and shows the
# comparison uses the source version while the binary version is reported;
# it is scanned as bionic and as six other releases of the tracker.
. "$(dirname "$0")/lib/common.sh"
export LC_ALL=C  # one sort order for the computed and the scanned rows
HERE=$(dirname "$0")
UCT="$VIGIL_SHARED/vulndata/ubuntu/ubuntu-cve-tracker"
STATUS="$IMAGES/fixtures/debian/claircore/texlive.status"
for f in "$UCT/active.tar.xz" "$UCT/retired.tar.xz" "$STATUS"; do
  [ -s "$f" ] || { not_ok "missing $f"; finish; exit 1; }
done
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
rows() { jq -r '.Results[]?.Vulnerabilities[]? | [.VulnerabilityID, .PkgName, .InstalledVersion, (.FixedVersion // ""), .ClairSeverity, .Status] | @tsv' "$@" | sort; }
mkroot() { # DIR STATUS_FILE
  mkdir -p "$1/etc" "$1/var/lib/dpkg"
  cp "$2" "$1/var/lib/dpkg/status"
  cat >"$1/etc/os-release" <<'OS'
NAME="Ubuntu"
VERSION="18.04.4 LTS (Bionic Beaver)"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 18.04.4 LTS"
VERSION_ID="18.04"
VERSION_CODENAME=bionic
UBUNTU_CODENAME=bionic
OS
}

check "the test's dpkg comparator agrees with every shared dpkg test vector and dpkg" \
  python3 "$HERE/tools/debver.py" --check "$VIGIL_SHARED/testvectors/dpkg-vercmp.tsv"

python3 "$HERE/tools/mkstatus.py" lower "$STATUS" >"$T/low.status"
mkroot "$T/root" "$STATUS"
mkroot "$T/low" "$T/low.status"
python3 "$HERE/tools/rootfs_save.py" "$T/root" "$T/bionic.tar" || not_ok "rootfs_save.py"

# the two computations run beside the import; the lowered database is also
# scanned as other releases of the tracker, one computation for all
OTHERS=(bionic:18.04 xenial:16.04 trusty:14.04 precise:12.04 cosmic:18.10 disco:19.04 eoan:19.10)
python3 "$HERE/tools/ubuntu_expect.py" bionic "$STATUS" "$UCT/active.tar.xz" "$UCT/retired.tar.xz" \
  >"$T/want" 2>"$T/want.err" & p1=$!
python3 "$HERE/tools/ubuntu_expect.py" "$(printf '%s\n' "${OTHERS[@]}" | cut -d: -f1 | paste -sd,)" \
  "$T/low.status" "$UCT/active.tar.xz" "$UCT/retired.tar.xz" >"$T/want.all" & p2=$!
expect_exit 0 "import the whole tracker (active, retired)" V --quiet db import "$UCT/active.tar.xz" "$UCT/retired.tar.xz"
wait $p1 || not_ok "ubuntu_expect.py (texlive)"
wait $p2 || not_ok "ubuntu_expect.py (sources at 0.1)"
awk -F'\t' '$1 == "bionic"' "$T/want.all" | cut -f2- >"$T/want.low"
check "expected findings: more than 100 ($(wc -l <"$T/want"))" test "$(wc -l <"$T/want")" -gt 100
check "expected findings with sources at 0.1 include fixed ones ($(grep -c '	fixed$' "$T/want.low"))" \
  test "$(grep -c '	fixed$' "$T/want.low")" -gt 100
check "  ... and several severities" test "$(cut -f5 "$T/want.low" | sort -u | wc -l)" -ge 4

expect_exit 0 "scan the root filesystem directory" V scan "$T/root" --format json -o "$T/root.json"
same "root filesystem: findings equal the independent computation" "$T/want" <(rows "$T/root.json")
check "  ... the OS is ubuntu 18.04" test "$(jq -r '.Metadata.OS.Family + " " + .Metadata.OS.Name' "$T/root.json")" = "ubuntu 18.04"
expect_exit 0 "scan the docker-save tarball" V scan "$T/bionic.tar" --format json -o "$T/tar.json"
same "docker-save tarball: findings equal the independent computation" "$T/want" <(rows "$T/tar.json")
expect_exit 0 "scan the database with sources at 0.1" V scan "rootfs:$T/low" --format json -o "$T/low.json"
same "sources at 0.1: findings equal the independent computation" "$T/want.low" <(rows "$T/low.json")
for rv in "${OTHERS[@]:1}"; do
  rel=${rv%%:*} ver=${rv#*:}
  mkroot "$T/low-$rel" "$T/low.status"
  sed -i -e "s/bionic/$rel/g" -e "s/18\.04[.0-9]*/$ver/g" "$T/low-$rel/etc/os-release"
  expect_exit 0 "sources at 0.1 as $rel ($ver): scan" V scan "$T/low-$rel" --format json -o "$T/low-$rel.json"
  awk -F'\t' -v r="$rel" '$1 == r' "$T/want.all" | cut -f2- >"$T/want.$rel"
  same "  ... findings equal the independent computation ($(wc -l <"$T/want.$rel"))" "$T/want.$rel" <(rows "$T/low-$rel.json")
done
finish
