#!/usr/bin/env bash
# vigil scan of the fixture rpm databases of ../shared against the RHEL-family
# OVAL data of ../shared: the findings (ID, package, installed and fixed
# version, Clair severity, status) equal exactly the set tools/rpm_expect.py
# computes without vigil, from the fixture's own package listing
# (packages.txt) and the OVAL file (xml.etree, PRODUCT.md's RHEL rule), with
# rpm's own order (rpm.vercmp, batched in one `rpm --eval` lua call; checked
# first on the shared rpm test vectors).
#
# What overlaps: the fixtures are rhel8-libuuid (RHEL 8, no os-release: given
# one here), centos-grype (CentOS 8: no CentOS data, so RHEL 8's), the two
# amazonlinux2023 databases (sqlite and bdb) and sles15-bci. The data are a
# Red Hat OVAL v2 stream sample for RHEL 8 (ansible), legacy Red Hat samples
# (RHEL 5-7), Oracle ELSA samples (ol:5-8), the whole Rocky 9 OVAL file and
# CSAF VEX samples. No rpm package of any fixture is named in the RHEL 8 data
# (nor anywhere in ../shared's Red Hat and Oracle data, archives included:
# tools/rpm_overlap.py checks libuuid, its source util-linux, and dive below),
# so the RHEL 8 stream is used with its two packages renamed to the fixtures'
# (ansible -> libuuid, ansible-test -> dive): the definitions, states,
# signature-key and release tests stay as Red Hat wrote them. Amazon Linux
# 2023 and SLES 15 have no OVAL or VEX data in ../shared; their databases are
# still scanned: amazonlinux2023 (103 real packages, el9-era versions) with a
# Rocky Linux 9 os-release against the whole Rocky 9 file, a cross-release
# exercise of the rule on real data; as themselves, amazon:2023 and sles:15
# must be refused (exit 4, no data for the namespace). The CSAF VEX samples
# name no fixture package for rhel:8 either and are left to db_csaf_osv.sh.
# Beyond the fixtures, an rpm database is built for each single-release OVAL
# file (rpmbuild, rpm --justdb; see synth below): the whole Rocky 9 file, the
# Red Hat RHEL 6/7 stream samples, clair-v2's RHEL 7 and Oracle 7 files and an
# Oracle 5 ELSA. (Files mixing releases, like clair-v2's second file or the
# Oracle elsa-all sample, are left to db_oval.sh.)
. "$(dirname "$0")/lib/common.sh"
export LC_ALL=C  # one sort order for the computed and the scanned rows
HERE=$(dirname "$0")
FX="$IMAGES/fixtures/rpm"
VD="$VIGIL_SHARED/vulndata/redhat"
RH8="$VD/samples/vuln-list-update/oval/testdata/happy/RHEL8/ansible-2-including-unpatched.oval.xml.bz2"
ROCKY="$VD/rocky-oval-normalized/org.rockylinux.rlsa-9.xml.xz"
for f in "$RH8" "$ROCKY" "$FX"/{rhel8-libuuid,centos-grype,amazonlinux2023,amazonlinux2023-bdb,sles15-bci}/packages.txt; do
  [ -e "$f" ] || { not_ok "missing $f"; finish; exit 1; }
done
rows() { jq -r '.Results[]?.Vulnerabilities[]? | [.VulnerabilityID, .PkgName, .InstalledVersion, (.FixedVersion // ""), .ClairSeverity, .Status] | @tsv' "$@" | sort; }
# scan_same NAME DB ROOT PACKAGES OVAL...: the findings equal the computed set
scan_same() {
  local name=$1 db=$2 root=$3 pk=$4; shift 4
  python3 "$HERE/tools/rpm_expect.py" "$pk" "$@" >"$T/$name.want" || not_ok "$name: rpm_expect.py"
  expect_exit 0 "$name: scan" "$VIGIL_BIN" --db "$db" scan "$root" -f json -o "$T/$name.json"
  rows "$T/$name.json" >"$T/$name.got"
  same "$name: findings equal the computed set ($(wc -l <"$T/$name.want"))" "$T/$name.want" "$T/$name.got"
}
osrel() { # DIR ID VERSION_ID NAME
  mkdir -p "$1/etc"
  printf 'NAME="%s"\nVERSION="%s"\nID="%s"\nID_LIKE="rhel fedora"\nVERSION_ID="%s"\nPLATFORM_ID="platform:el%s"\n' \
    "$4" "$3" "$2" "$3" "${3%%.*}" >"$1/etc/os-release"
}

check "the test's rpm comparator agrees with every shared rpm test vector" \
  python3 "$HERE/tools/rpm_expect.py" --check "$VIGIL_SHARED/testvectors/rpm-vercmp.tsv"

# ---- RHEL 8: the OVAL v2 stream sample, its packages renamed to the fixtures' ----
# (only while no data names the fixtures' own packages; else scan them unmodified)
check "no Red Hat or Oracle data names libuuid, util-linux or dive (so: renamed)" \
  test -z "$(python3 "$HERE/tools/rpm_overlap.py" libuuid,util-linux,dive "$VD" "$VIGIL_SHARED/vulndata/oracle")"
check "  ... while the same search finds ansible in the RHEL 8 stream" \
  grep -q "ansible-2-including-unpatched.oval.xml.bz2 ansible$" <(python3 "$HERE/tools/rpm_overlap.py" ansible "$VD")
bzip2 -dc "$RH8" | sed -e 's|name>ansible</|name>libuuid</|g' -e 's|name>ansible-test</|name>dive</|g' \
  >"$T/rhel8.oval.xml"
check "the renamed stream names libuuid and dive" \
  test "$(grep -c 'name>libuuid<' "$T/rhel8.oval.xml")" -eq 1 -a "$(grep -c 'name>dive<' "$T/rhel8.oval.xml")" -eq 1
D8="$T/rhel8.db"
expect_exit 0 "import the RHEL 8 stream" "$VIGIL_BIN" --db "$D8" db import --feed oval "$T/rhel8.oval.xml"
check "  ... as rhel:8" grep -q "oval namespaces: rhel:8$" <("$VIGIL_BIN" --db "$D8" db status)
mkdir -p "$T/rhel8/var/lib/rpm"
cp "$FX/rhel8-libuuid/var/lib/rpm/Packages" "$T/rhel8/var/lib/rpm/"
osrel "$T/rhel8" rhel 8.8 "Red Hat Enterprise Linux"
scan_same rhel8-libuuid "$D8" "$T/rhel8" "$FX/rhel8-libuuid/packages.txt" "$T/rhel8.oval.xml"
check "  ... libuuid 2.32.1 is newer than every ansible fix (2.9.x): nothing" \
  test "$(grep -c . "$T/rhel8-libuuid.want")" -eq 0
scan_same centos-grype "$D8" "$FX/centos-grype" "$FX/centos-grype/packages.txt" "$T/rhel8.oval.xml"
check "  ... centos:8 matched rhel:8's data: dive 0.9.2 is below the fixes" \
  test "$(cut -f6 "$T/centos-grype.want" | grep -c fixed)" -ge 3
check "  ... each finding came from rhel:8's data" \
  test "$(jq -r '[.Results[].Vulnerabilities[].VigilMatch.Namespace] | unique | join(",")' "$T/centos-grype.json")" = rhel:8
expect_exit 0 "the unchanged stream imported too" "$VIGIL_BIN" --db "$T/rhel8-real.db" db import "$RH8"
scan_same centos-grype-real "$T/rhel8-real.db" "$FX/centos-grype" "$FX/centos-grype/packages.txt" "$RH8"

# ---- the whole Rocky 9 file: Amazon Linux 2023's packages as a Rocky 9 system ----
D9="$T/rocky9.db"
expect_exit 0 "import the Rocky 9 OVAL file" "$VIGIL_BIN" --db "$D9" --quiet db import "$ROCKY"
for fx in amazonlinux2023 amazonlinux2023-bdb; do
  mkdir -p "$T/$fx"
  cp -r "$FX/$fx/var" "$T/$fx/"
  osrel "$T/$fx" rocky 9.3 "Rocky Linux"
  scan_same "$fx-as-rocky9" "$D9" "$T/$fx" "$FX/$fx/packages.txt" "$ROCKY"
done
check "the Rocky 9 exercise finds something" test -s "$T/amazonlinux2023-as-rocky9.want"

# ---- the whole Rocky 9 file against an rpm database made for it ----
# tools/rpm_synth.py writes one package per third package name of the file,
# below, equal to, just under (release) and above its lowest fix, epoch 0
# against an epoch, noarch or not (some arch patterns leave noarch out);
# rpmbuild makes them (no files), rpm --justdb installs them into a sqlite
# rpm database, and `rpm -qa` lists them for the computation.
#
# synth NAME OS_ID VERSION_ID OVAL [STEP]: an rpm database made for the file
# (in $T/NAME/root, listed in $T/NAME/packages.txt)
synth() {
  local sy="$T/$1" rpms
  mkdir -p "$sy/root/etc" "$sy/root/var/lib/rpm"
  python3 "$HERE/tools/rpm_synth.py" "$4" "${5:-1}" >"$sy/synth.spec" || not_ok "$1: rpm_synth.py"
  rpmbuild -bb --quiet --define "_topdir $sy/top" --define "_build_id_links none" "$sy/synth.spec" >/dev/null ||
    not_ok "$1: rpmbuild"
  rpm --root "$sy/root" --dbpath /var/lib/rpm --initdb
  mapfile -t rpms < <(find "$sy/top/RPMS" -name '*.rpm')
  rpm -i --justdb --nodeps --noscripts --notriggers --ignoreos --root "$sy/root" --dbpath /var/lib/rpm \
    "${rpms[@]}" 2>/dev/null || not_ok "$1: rpm --justdb"
  sqlite3 "$sy/root/var/lib/rpm/rpmdb.sqlite" 'PRAGMA journal_mode=DELETE' >/dev/null
  rpm -qa --root "$sy/root" --dbpath /var/lib/rpm --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n' \
    >"$sy/packages.txt"
  check "$1: ${#rpms[@]} packages built and installed" \
    test "$(wc -l <"$sy/packages.txt")" -eq "${#rpms[@]}" -a "${#rpms[@]}" -gt 0
  osrel "$sy/root" "$2" "$3" "$2"
}
synth rocky9-synthetic rocky 9.3 "$ROCKY" 3
check "  ... more than 300" test "$(wc -l <"$T/rocky9-synthetic/packages.txt")" -gt 300
scan_same rocky9-synthetic "$D9" "$T/rocky9-synthetic/root" "$T/rocky9-synthetic/packages.txt" "$ROCKY"
check "  ... hundreds of findings, at every severity" \
  test "$(wc -l <"$T/rocky9-synthetic.want")" -gt 300 -a "$(cut -f5 "$T/rocky9-synthetic.want" | sort -u | wc -l)" -ge 4
check "  ... epochs shown when not 0" grep -Eq '	[1-9][0-9]*:[^	]*	[A-Za-z]+	fixed$' "$T/rocky9-synthetic.want"

# ---- the other single-release OVAL files of ../shared, the same way ----
ORA="$VIGIL_SHARED/vulndata/oracle/samples"
RHV2="$VD/samples/vuln-list-update/oval/testdata/happy"
while read -r name os ver file; do
  [ -f "$file" ] || { not_ok "missing $file"; continue; }
  expect_exit 0 "$name: import" "$VIGIL_BIN" --db "$T/$name.db" --quiet db import --feed oval "$file"
  synth "$name" "$os" "$ver" "$file"
  scan_same "$name" "$T/$name.db" "$T/$name/root" "$T/$name/packages.txt" "$file"
  check "  ... not empty" test -s "$T/$name.want"
done <<EOF2
rhel6-extras rhel 6.10 $RHV2/RHEL6/rhel-6-extras-including-unpatched.oval.xml.bz2
rhel7-dotnet rhel 7.9 $RHV2/RHEL7/dotnet-3.1-including-unpatched.oval.xml.bz2
rhel7-clair rhel 7.9 $VD/samples/clair-v2/fetcher_rhel_test.1.xml
ol5-elsa ol 5.11 $ORA/vuln-list-update/ELSA-2007-0057.xml
ol7-clair ol 7.9 $ORA/clair-v2/fetcher_oracle_test.1.xml
EOF2

# ---- no data of their own: refused, never "no vulnerabilities" ----
# (the fixtures hold only the rpm database: the os-release is written here)
mkdir -p "$T/al2023" "$T/sles15"
cp -r "$FX/amazonlinux2023/var" "$T/al2023/"; cp -r "$FX/sles15-bci/var" "$T/sles15/"
printf 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\n' >"$T/al2023/etc-os-release"
printf 'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nID="sles"\nID_LIKE="suse"\n' >"$T/sles15/etc-os-release"
for d in al2023 sles15; do mkdir -p "$T/$d/etc"; mv "$T/$d/etc-os-release" "$T/$d/etc/os-release"; done
for d in al2023 sles15; do
  expect_exit 4 "$d: no data for its namespace in the store" "$VIGIL_BIN" --db "$D9" scan "$T/$d" -f json
  check "  ... the message names the namespace and the data held (rocky:9)" \
    grep -q "no data for namespace .*rocky:9" "$T/err"
done
finish
