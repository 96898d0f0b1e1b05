#!/usr/bin/env bash
# vigil scan against Red Hat CSAF VEX documents, end to end: every VEX
# sample of ../shared is imported (--feed csaf), then two root filesystems
# whose rpm databases are built here (rpmbuild of empty packages, rpm
# --justdb into a sqlite rpmdb, os-release of RHEL 9.3 or 8.9) are scanned.
# RHEL 9 holds packages that CVE-2023-38545's document fixes in two builds
# (7.76.1-23.el9_2.4 and 7.76.1-26.el9_3.2) at versions below both, equal to
# the lower, one release under the higher, equal to the higher and above,
# plus samba and ctdb (known_not_affected); RHEL 8 holds go-toolset
# (known_affected for CVE-2024-24786) and curl (known_not_affected). The
# findings (ID, package, installed, fixed version, Clair severity, status)
# must equal the set tools/csaf_expect.py computes from the CSAF JSON itself,
# following PRODUCT.md's rule text (not vigil's code); a few rows are also
# checked by hand.
. "$(dirname "$0")/lib/common.sh"
export LC_ALL=C
HERE=$(dirname "$0")
RH="$VIGIL_SHARED/vulndata/redhat/samples/claircore"
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
rows() { jq -r '.Results[]?.Vulnerabilities[]? | [.VulnerabilityID, .PkgName, .InstalledVersion, (.FixedVersion // ""), .ClairSeverity, .Status] | @tsv' "$@" | sort; }
for t in rpm rpmbuild sqlite3; do
  command -v "$t" >/dev/null || { not_ok "missing $t"; finish; exit 1; }
done

# ---- the VEX documents: every csaf_vex sample (not advisories, not deletion markers) ----
mapfile -t VEX < <(for f in "$RH"/vex/*.json "$RH"/csaf/*.json; do
  [ "$(jq -r '.document.category? // empty' "$f" 2>/dev/null)" = csaf_vex ] && echo "$f"; done)
check "found the VEX samples (${#VEX[@]})" test "${#VEX[@]}" -ge 8
expect_exit 0 "import them with --feed csaf" V db import --feed csaf "${VEX[@]}"

# mkroot NAME VERSION_ID "NAME EPOCH VERSION RELEASE"...: a rootfs in $T/NAME/root
# whose rpm database holds exactly those packages, listed in $T/NAME/packages.txt
mkroot() {
  local name=$1 ver=$2 d="$T/$1" p n e v r rpms; shift 2
  mkdir -p "$d/root/etc" "$d/root/var/lib/rpm"
  {
    printf 'Name: vigil-csaf\nVersion: 1\nRelease: 1\nSummary: t\nLicense: MIT\n%%description\nt\n'
    for p in "$@"; do
      read -r n e v r <<<"$p"
      printf '%%package -n %s\nVersion: %s\nRelease: %s\nSummary: t\n' "$n" "$v" "$r"
      [ "$e" = 0 ] || printf 'Epoch: %s\n' "$e"
      printf '%%description -n %s\nt\n%%files -n %s\n' "$n" "$n"
    done
  } >"$d/spec"
  rpmbuild -bb --quiet --define "_topdir $d/top" --define "_build_id_links none" "$d/spec" >/dev/null 2>&1 ||
    not_ok "$name: rpmbuild"
  rpm --root "$d/root" --dbpath /var/lib/rpm --initdb
  mapfile -t rpms < <(find "$d/top/RPMS" -name '*.rpm')
  rpm -i --justdb --nodeps --noscripts --notriggers --ignoreos --ignorearch --root "$d/root" \
    --dbpath /var/lib/rpm "${rpms[@]}" 2>/dev/null || not_ok "$name: rpm --justdb"
  sqlite3 "$d/root/var/lib/rpm/rpmdb.sqlite" 'PRAGMA journal_mode=DELETE' >/dev/null
  rpm -qa --root "$d/root" --dbpath /var/lib/rpm \
    --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n' >"$d/packages.txt"
  check "$name: $# packages installed" test "$(wc -l <"$d/packages.txt")" -eq $#
  printf 'NAME="Red Hat Enterprise Linux"\nVERSION="%s"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="%s"\nPLATFORM_ID="platform:el%s"\n' \
    "$ver" "$ver" "${ver%%.*}" >"$d/root/etc/os-release"
}

# scan_same NAME MAJOR: the findings equal the computed set
scan_same() {
  python3 "$HERE/tools/csaf_expect.py" "$T/$1/packages.txt" "$2" "${VEX[@]}" >"$T/$1.want" ||
    not_ok "$1: csaf_expect.py"
  expect_exit 0 "$1: scan" V scan "$T/$1/root" -f json -o "$T/$1.json"
  rows "$T/$1.json" >"$T/$1.got"
  same "$1: findings equal the set computed from the CSAF JSON ($(wc -l <"$T/$1.want"))" "$T/$1.want" "$T/$1.got"
}

# ---- RHEL 9: fixed builds of curl below / equal / above, and not-affected packages ----
mkroot rhel9 9.3 "curl 0 7.76.1 20.el9" "curl-minimal 0 7.76.1 23.el9_2.4" \
  "libcurl-devel 0 7.76.1 26.el9_3.1" "libcurl 0 7.76.1 26.el9_3.2" "libcurl-minimal 0 7.76.1 30.el9" \
  "libcurl-debuginfo 1 7.0 1.el9" "samba 0 4.18.6 100.el9" "ctdb 0 4.17.5 1.el9" "zlib 0 1.2.11 40.el9"
scan_same rhel9 9
W="$T/rhel9.want"
python3 "$HERE/tools/csaf_expect.py" --kinds "$T/rhel9/packages.txt" 9 "${VEX[@]}" >"$T/rhel9.kinds"
check "  ... the documents say samba and ctdb are known_not_affected in RHEL 9" \
  test "$(grep -cE '^(samba|ctdb) CVE-[0-9-]+ known_not_affected$' "$T/rhel9.kinds")" -ge 2
check "  ... curl below both fixes: fixed in the lower, 7.76.1-23.el9_2.4 (Important: High)" \
  grep -qx 'CVE-2023-38545	curl	7.76.1-20.el9	7.76.1-23.el9_2.4	High	fixed' "$W"
check "  ... curl-minimal at the lower fix: still below 7.76.1-26.el9_3.2" \
  grep -qx 'CVE-2023-38545	curl-minimal	7.76.1-23.el9_2.4	7.76.1-26.el9_3.2	High	fixed' "$W"
check "  ... libcurl-devel one release under the higher fix" \
  grep -qx 'CVE-2023-38545	libcurl-devel	7.76.1-26.el9_3.1	7.76.1-26.el9_3.2	High	fixed' "$W"
check "  ... nothing for libcurl (equal), libcurl-minimal (above), libcurl-debuginfo (epoch 1)" \
  test "$(grep -cE '	(libcurl|libcurl-minimal|libcurl-debuginfo)	' "$W")" -eq 0
check "  ... nothing for samba and ctdb (known_not_affected) or zlib (not named)" \
  test "$(grep -cE '	(samba|ctdb|zlib)	' "$W")" -eq 0
check "  ... three findings in all" test "$(wc -l <"$W")" -eq 3
check "  ... each from the csaf feed, namespace rhel:9" \
  test "$(jq -r '[.Results[].Vulnerabilities[].VigilMatch | .Feed + " " + .Namespace] | unique | join(",")' "$T/rhel9.json")" = "csaf rhel:9"

# ---- RHEL 8: known_affected and known_not_affected ----
mkroot rhel8 8.9 "go-toolset 0 1.20.12 1.module+el8.9.0+20978+7d1e4a35" "curl 0 7.61.1 30.el8" \
  "samba 0 4.18.6 1.el8" "libcurl 0 7.61.1 30.el8"
scan_same rhel8 8
W="$T/rhel8.want"
python3 "$HERE/tools/csaf_expect.py" --kinds "$T/rhel8/packages.txt" 8 "${VEX[@]}" >"$T/rhel8.kinds"
check "  ... the documents say go-toolset is known_affected, curl known_not_affected in RHEL 8" \
  test "$(grep -cx -e 'go-toolset CVE-2024-24786 known_affected' \
    -e 'curl CVE-2023-38545 known_not_affected' "$T/rhel8.kinds")" -eq 2
check "  ... go-toolset known_affected: affected, no fix (Moderate: Medium)" \
  grep -qx 'CVE-2024-24786	go-toolset	1.20.12-1.module+el8.9.0+20978+7d1e4a35		Medium	affected' "$W"
check "  ... nothing for curl, libcurl, samba (known_not_affected in RHEL 8)" test "$(wc -l <"$W")" -eq 1
check "  ... the JSON has no FixedVersion for it" \
  test "$(jq -r '.Results[].Vulnerabilities[0] | has("FixedVersion")' "$T/rhel8.json")" = false
finish
