#!/usr/bin/env bash
# vigil db import/status on the RHEL-family OVAL files of ../shared (the whole
# Rocky 9 file, Red Hat OVAL v2 stream and legacy samples, Oracle ELSA
# samples): counts equal those computed independently with python3
# (xml.etree, lzma, bz2) by tests/e2e/tools/oval_counts.py; bad input
# (broken XML, truncated, not XML, wrong root, a dpkg-based OVAL file) is
# exit 3 with one line naming the file, and the previous data stays.
. "$(dirname "$0")/lib/common.sh"
HERE=$(dirname "$0")
VD="$VIGIL_SHARED/vulndata"
ROCKY="$VD/redhat/rocky-oval-normalized/org.rockylinux.rlsa-9.xml.xz"
RHV2="$VD/redhat/samples/vuln-list-update/oval/testdata"
ORA="$VD/oracle/samples"
USN="$VD/ubuntu/usn-oval-normalized/com.ubuntu.oracular.usn.oval.xml.xz"
FILES=("$ROCKY" "$RHV2"/happy/RHEL{6,7,8}/*.oval.xml.bz2
  "$VD"/redhat/samples/clair-v2/fetcher_rhel_test.{1,2}.xml
  "$ORA"/clair-v2/fetcher_oracle_test.{1,2}.xml "$ORA"/vunnel/mock_{data,ksplice_data,per_arch_data}
  "$ORA"/vuln-list-update/{ELSA-2007-0057.xml,all-positive-data.xml.bz2,elsa-2018-1196-1.xml.bz2}
  "$ORA"/vuls-data-update/com.oracle.elsa-all.xml.bz2)
for f in "${FILES[@]}" "$USN"; do
  [ -f "$f" ] || { not_ok "missing shared data $f"; finish; exit 1; }
done
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
counts() { V db status --format json | jq -cS '[.Feeds[] | {Name, Vulnerabilities, Records, Namespaces}]'; }
want() { python3 "$HERE/tools/oval_counts.py" "$@" | jq -cS '{Vulnerabilities, Records, Namespaces}'; }
got() { V db status --format json | jq -cS '.Feeds[] | select(.Name == "oval") | {Vulnerabilities, Records, Namespaces}'; }

# ---- the Rocky 9 file alone ----
expect_exit 0 "import the Rocky 9 OVAL file" V db import "$ROCKY"
check "summary: 1 file, 1 feed" grep -q "imported 1 file into 1 feed" "$T/out"
check "the unresolved test reference is warned about and counted" \
  grep -q "skipped 1 malformed item" "$T/out"
check "the warning names the file, definition and reference" \
  grep -q "definition 'oval:org.rockylinux.rlsa:def:.*tst:unk'" "$T/err"
same "Rocky 9: status counts equal the independent counts" <(want "$ROCKY") <(got)
check "one feed, named oval, rocky:9" \
  test "$(V db status --format json | jq -r '[.Feeds[] | .Name + " " + (.Namespaces | join(","))] | join(";")')" = "oval rocky:9"
before=$(counts)
expect_exit 0 "re-import the same file" V db import --feed oval "$ROCKY"
check "re-import leaves the counts unchanged" test "$(counts)" = "$before"

# ---- every real file together ----
DB="$T/all.db"
expect_exit 0 "import ${#FILES[@]} OVAL files (Rocky, Red Hat, Oracle)" V db import "${FILES[@]}"
check "summary names ${#FILES[@]} files" grep -q "imported ${#FILES[@]} files into 1 feed" "$T/out"
python3 "$HERE/tools/oval_counts.py" "${FILES[@]}" >"$T/want-all.json" || not_ok "oval_counts.py"
same "all files: status counts equal the independent counts" \
  <(jq -cS '{Vulnerabilities, Records, Namespaces}' "$T/want-all.json") <(got)
check "skipped items equal the independent count" \
  grep -q "skipped $(jq .Skipped "$T/want-all.json") malformed items" "$T/out"
for ns in rhel:5 rhel:6 rhel:7 rhel:8 ol:5 ol:6 ol:7 ol:8 rocky:9; do
  check "namespace $ns present" jq -e --arg n "$ns" '.Feeds[0].Namespaces | index($n)' \
    <(V db status --format json) >/dev/null
done

# ---- streamed from the disk (docs/internals/feeds.md, "Two input paths") ----
# VIGIL_FEED_MEMORY_MAX=0: every file is read from the disk at each pass
# instead of being held in memory; a tarball member over the limit is
# spooled to a temporary file. Same counts; no temporary file left behind.
DB="$T/stream.db"
mkdir -p "$T/tmp"
VIGIL_FEED_MEMORY_MAX=0 expect_exit 0 "import the same files streamed from the disk" \
  V db import "${FILES[@]}"
same "streamed: counts equal the independent counts" \
  <(jq -cS '{Vulnerabilities, Records, Namespaces}' "$T/want-all.json") <(got)
# A compressed file's first pass keeps a decompressed copy in $TMPDIR for
# the second; without one (no such directory) it is decompressed again.
DB="$T/nocopy.db"
TMPDIR="$T/none" VIGIL_FEED_MEMORY_MAX=0 expect_exit 0 "streamed without room for a decompressed copy" \
  V db import "${FILES[@]}"
same "no copy: counts equal the independent counts" \
  <(jq -cS '{Vulnerabilities, Records, Namespaces}' "$T/want-all.json") <(got)
DB="$T/member.db"
mkdir -p "$T/tree/oval" && xz -dc "$ROCKY" >"$T/tree/oval/org.rockylinux.rlsa-9.xml"
tar -C "$T/tree" -czf "$T/tree.tar.gz" oval
TMPDIR="$T/tmp" VIGIL_FEED_MEMORY_MAX=4096 expect_exit 0 "a tarball whose OVAL member is spooled" \
  V db import "$T/tree.tar.gz"
same "spooled member: counts equal the independent counts" <(want "$ROCKY") <(got)
check "the spooled member's temporary file is gone" test -z "$(ls -A "$T/tmp")"

# A directory walk: the Red Hat v2 samples' PULP_MANIFEST and JSON are skipped.
DB="$T/walk.db"
expect_exit 0 "import the Red Hat v2 'happy' directory" V db import "$RHV2/happy"
check "3 files imported, the others skipped" grep -q "imported 3 files into 1 feed" "$T/out"
same "walk: counts equal the independent counts" <(want "$RHV2"/happy/RHEL{6,7,8}/*.bz2) <(got)

# A Ubuntu (dpkginfo) OVAL file is not ours.
DB="$T/usn.db"
V db import "$USN" >/dev/null 2>&1
check "probe leaves Ubuntu's USN OVAL to another feed" \
  test -z "$(V db status --format json 2>/dev/null | jq -r '.Feeds[]? | select(.Name == "oval") | .Name')"

# ---- bad input: exit 3, one line naming the file, previous data intact ----
DB="$T/vigil.db"
before=$(counts)
mkdir -p "$T/bad"
xz -dc "$ROCKY" | head -c 900000 >"$T/bad/truncated.xml"
printf 'this is not XML\n' >"$T/bad/text.xml"
printf '<?xml version="1.0"?>\n<html><body/></html>\n' >"$T/bad/root.xml"
head -c 3000 /dev/urandom >"$T/bad/garbage.bin"
cp "$RHV2/broken-xml/RHEL6/rhel-6-extras-including-unpatched.oval.xml.bz2" "$T/bad/broken-rhel.xml.bz2"
cp "$ORA/vuln-list-update/broken-oval-data.xml.bz2" "$T/bad/broken-ol.xml.bz2"
cp "$RHV2/invalid-bzip2/RHEL6/rhel-6-extras-including-unpatched.oval.xml.bz2" "$T/bad/invalid.xml.bz2"
cp "$USN" "$T/bad/usn.xml.xz"
check_bad() { # FILE PATTERN [--feed oval]
  local f=$1 pat=$2; shift 2
  expect_exit 3 "bad input $f $*" V db import "$@" "$ROCKY" "$T/bad/$f"
  grep -v ': warning: ' "$T/err" >"$T/err1"   # the good file's own warnings aside
  if [ "$(wc -l <"$T/err1")" -eq 1 ] && grep -q "$f" "$T/err1" && grep -Eq "$pat" "$T/err1"; then
    ok "$f: $(cat "$T/err1")"
  else
    not_ok "$f: want one line naming it and /$pat/"; sed 's/^/    /' "$T/err" | head -5
  fi
  check "$f: previous data intact" test "$(counts)" = "$before"
}
check_bad truncated.xml "malformed XML at line [0-9]+"
check_bad broken-rhel.xml.bz2 "malformed XML at line 411: Opening and ending tag mismatch"
check_bad broken-ol.xml.bz2 "malformed XML at line 536"
check_bad text.xml "malformed XML at line 1" --feed oval
check_bad garbage.bin "malformed XML at line 1|not a feed file" --feed oval
check_bad root.xml "not an OVAL definitions document \(root element 'html' at line 2\)" --feed oval
check_bad usn.xml.xz "dpkg \(Debian/Ubuntu\) OVAL file" --feed oval
check_bad invalid.xml.bz2 "bz|not a feed file|corrupt|empty"
# A compressed stream cut short, read from the disk in passes: the
# decompressor's error names the file, not a made-up XML one.
head -c 60000 "$ROCKY" >"$T/bad/cut.xml.xz"
VIGIL_FEED_MEMORY_MAX=0 check_bad cut.xml.xz "cut.xml.xz': .*(xz|[Ll]zma|truncated|damaged|compressed)"
VIGIL_FEED_MEMORY_MAX=0 check_bad truncated.xml "malformed XML at line [0-9]+"
# Garbage never crashes: mutants (truncations, byte flips, deleted and
# duplicated spans) of real files are imported (exit 0) or refused (exit 3).
mkdir -p "$T/src"
cp "$ORA/clair-v2/fetcher_oracle_test.2.xml" "$T/src/ol.xml"
bzip2 -dc "$RHV2/happy/RHEL8/ansible-2-including-unpatched.oval.xml.bz2" >"$T/src/rh8.xml"
python3 "$HERE/tools/mutate.py" "$T/mut" 50 "$T/src/ol.xml" "$T/src/rh8.xml"
bad=0
for f in "$T"/mut/*; do
  V db import --feed oval "$f" >/dev/null 2>"$T/err"; rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then bad=$((bad + 1)); echo "    $f: exit $rc"; fi
done
check "$(ls "$T"/mut | wc -l) mutants: exit 0 or 3, never a crash" test "$bad" -eq 0
check "after all bad input the database is consistent" test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok

finish
