#!/usr/bin/env bash
# vigil scan against the real Debian security tracker data of ../shared, the
# findings (ID, package, installed and fixed version, Clair severity, status)
# equal to exactly the set tools/debian_expect.py computes without vigil from
# the same files (PRODUCT.md's Debian rules; tools/debver.py's dpkg order,
# checked on the shared test vectors and against dpkg):
#  - the DSA and DLA lists (snapshot of April 2023): the bullseye fixture
#    package database, scanned as a root filesystem directory, gets no false
#    findings (its packages are newer than every fix); the same database with
#    every source version lowered to 0.1 gets every listed fix of its sources,
#    and so do squeeze .. buster databases made of it; the bookworm image: the
#    lists state nothing for bookworm (released after the snapshot), so the
#    computed set is empty and vigil refuses the namespace (exit 4) instead of
#    reporting "no vulnerabilities";
#  - the tracker JSON exports among the samples (vunnel, clair-v2,
#    vuls-data-update): their packages are in no image, so for each release
#    they state, a package database made by tools/mkstatus.py from their
#    source names (below, equal to and above the fixes) gets exactly the
#    findings the rules say; the bookworm image too (none). (Their only
#    wheezy statement is clair-v2's `resolved` without a fixed_version, which
#    states nothing: wheezy is not a namespace of theirs.)
#  - lists and JSON together: the JSON's statement wins (chromium
#    CVE-2022-0456 is in both for bullseye).
. "$(dirname "$0")/lib/common.sh"
export LC_ALL=C  # one sort order for the computed and the scanned rows
HERE=$(dirname "$0")
DEB="$VIGIL_SHARED/vulndata/debian"
LISTS=("$DEB/security-tracker/data/DSA/list" "$DEB/security-tracker/data/DLA/list")
JSONS=("$DEB/samples/vunnel/debian.json" "$DEB/samples/clair-v2/fetcher_debian_test.json"
       "$DEB/samples/vuls-data-update/tracker-api/advisory.json")
BULLSEYE="$IMAGES/fixtures/debian/bullseye"
BOOKWORM="$IMAGES/debian-bookworm-openssl/debian-bookworm-openssl.oci.tar"
for f in "${LISTS[@]}" "${JSONS[@]}" "$BULLSEYE/var/lib/dpkg/status" "$BOOKWORM"; do
  [ -e "$f" ] || { not_ok "missing $f"; finish; exit 1; }
done
rows() { jq -r '.Results[]?.Vulnerabilities[]? | [.VulnerabilityID, .PkgName, .InstalledVersion, (.FixedVersion // ""), .ClairSeverity, .Status] | @tsv' "$@" | sort; }
expect() { python3 "$HERE/tools/debian_expect.py" "$@"; }
declare -A NUM=([squeeze]=6 [wheezy]=7 [jessie]=8 [stretch]=9 [buster]=10 [bullseye]=11 [bookworm]=12 [trixie]=13)
mkroot() { # DIR CODENAME STATUS_FILE
  mkdir -p "$1/etc" "$1/var/lib/dpkg"
  cp "$3" "$1/var/lib/dpkg/status"
  printf 'PRETTY_NAME="Debian GNU/Linux %s (%s)"\nNAME="Debian GNU/Linux"\nVERSION_ID="%s"\nVERSION_CODENAME=%s\nID=debian\n' \
    "${NUM[$2]}" "$2" "${NUM[$2]}" "$2" >"$1/etc/os-release"
}
# scan_same NAME DB IMAGE CODENAME DATA...: the findings equal the computed set
scan_same() {
  local name=$1 db=$2 img=$3 rel=$4; shift 4
  expect "$rel" "$img" "$@" >"$T/$name.want" || not_ok "$name: debian_expect.py"
  expect_exit 0 "$name: scan" "$VIGIL_BIN" --db "$db" scan "$img" -f json -o "$T/$name.json"
  rows "$T/$name.json" >"$T/$name.got"
  same "$name: findings equal the computed set ($(wc -l <"$T/$name.want"))" "$T/$name.want" "$T/$name.got"
}

check "the test's dpkg comparator agrees with every shared dpkg test vector and dpkg" \
  python3 "$HERE/tools/debver.py" --check "$VIGIL_SHARED/testvectors/dpkg-vercmp.tsv"

# ---- the DSA and DLA lists ----
L="$T/lists.db"
expect_exit 0 "import the DSA and DLA lists" "$VIGIL_BIN" --db "$L" --quiet db import "${LISTS[@]}"
scan_same bullseye "$L" "$BULLSEYE" bullseye "${LISTS[@]}"
# its etc/os-release holds a symlink's target as text; etc/debian_version names 11
check "bullseye: the OS is debian 11" test "$(jq -r '.Metadata.OS.Family + " " + .Metadata.OS.Name' "$T/bullseye.json")" = "debian 11"
python3 "$HERE/tools/mkstatus.py" lower "$BULLSEYE/var/lib/dpkg/status" >"$T/low.status"
mkroot "$T/low" bullseye "$T/low.status"
scan_same bullseye-low "$L" "$T/low" bullseye "${LISTS[@]}"
check "bullseye-low: more than 50 findings, all fixed" \
  test "$(grep -c '	Unknown	fixed$' "$T/bullseye-low.want")" -gt 50 -a "$(grep -vc '	Unknown	fixed$' "$T/bullseye-low.want")" -eq 0
# the same lowered database as the older releases the lists cover (LTS and ELTS included)
for rel in squeeze wheezy jessie stretch buster; do
  mkroot "$T/low-$rel" "$rel" "$T/low.status"
  scan_same "$rel-low" "$L" "$T/low-$rel" "$rel" "${LISTS[@]}"
done
expect "bookworm" "$BOOKWORM" "${LISTS[@]}" >"$T/bookworm-lists.want" || not_ok "debian_expect.py bookworm"
check "bookworm: the lists state nothing for it" test ! -s "$T/bookworm-lists.want"
expect_exit 4 "bookworm against the lists: no data for the namespace" "$VIGIL_BIN" --db "$L" scan "$BOOKWORM" -f json
check "  ... naming debian:12" grep -q "debian:12" "$T/err"

# ---- the tracker JSON exports ----
J="$T/json.db"
expect_exit 0 "import the JSON exports" "$VIGIL_BIN" --db "$J" --quiet db import --feed debian "${JSONS[@]}"
total=0
for rel in jessie stretch buster bullseye bookworm trixie; do
  python3 "$HERE/tools/mkstatus.py" synth "$rel" "${JSONS[@]}" >"$T/$rel.status"
  mkroot "$T/syn-$rel" "$rel" "$T/$rel.status"
  scan_same "json-$rel" "$J" "$T/syn-$rel" "$rel" "${JSONS[@]}"
  total=$((total + $(wc -l <"$T/json-$rel.want")))
done
check "the JSON exports give findings ($total), fixed and unfixed" \
  test "$(cat "$T"/json-*.want | cut -f6 | sort -u | tr '\n' ' ')" = "affected fixed "
check "  ... with severities from the urgencies" test "$(cat "$T"/json-*.want | cut -f5 | sort -u | wc -l)" -ge 4
scan_same bookworm-json "$J" "$BOOKWORM" bookworm "${JSONS[@]}"

# ---- lists and JSON exports together ----
B="$T/both.db"
expect_exit 0 "import lists and JSON exports" "$VIGIL_BIN" --db "$B" --quiet db import "${LISTS[@]}" "${JSONS[@]}"
cat "$T/bullseye.status" "$T/low.status" >"$T/both.status"
mkroot "$T/both" bullseye "$T/both.status"
scan_same both-bullseye "$B" "$T/both" bullseye "${LISTS[@]}" "${JSONS[@]}"
check "  ... chromium CVE-2022-0456 is stated by both: the JSON's urgency (Unknown) and fix" \
  grep -q "^CVE-2022-0456	chromium	0.1-1	98.0.4758.80-1~deb11u1	Unknown	fixed" "$T/both-bullseye.want"
finish
