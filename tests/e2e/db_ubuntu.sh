#!/usr/bin/env bash
# vigil db import of the Ubuntu feeds from ../shared: the ubuntu-cve-tracker
# tarballs (active + retired, streamed, never unpacked) and the USN OVAL
# files. `db status` counts equal those computed independently with python3
# (tests/e2e/tools/ubuntu_counts.py reads the tarballs with tarfile, the OVAL
# with ElementTree); statements of known CVEs land as PRODUCT.md says; other
# tarball formats give the same data; bad input and corrupt tarballs are
# exit 3 with one line naming the file, and the previous data stays.
. "$(dirname "$0")/lib/common.sh"
HERE=$(dirname "$0")
U="$VIGIL_SHARED/vulndata/ubuntu"
UCT="$U/ubuntu-cve-tracker"
for f in "$UCT/active.tar.xz" "$UCT/retired.tar.xz" "$UCT/ignored.tar.xz"; do
  [ -s "$f" ] || { not_ok "missing $f"; finish; exit 1; }
done
mapfile -t OVAL < <(find "$U/usn-oval-normalized" -type f -name '*.oval.xml.xz' | sort)
check "found the 3 USN OVAL files" test "${#OVAL[@]}" -eq 3
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
counts() { V db status --format json | jq -cS '[.Feeds[] | {Name, Vulnerabilities, Records, Namespaces}]'; }
want() { python3 "$HERE/tools/ubuntu_counts.py" "$@" | jq -cS '[to_entries[] | {Name: .key} + .value]'; }
q() { sqlite3 "$DB" "$@"; }
jqtest() { jq -e "$@" >/dev/null; }
OVAL_ARGS=(); for f in "${OVAL[@]}"; do OVAL_ARGS+=(--oval "$f"); done

# ---- the whole tracker and the OVAL files ----
expect_exit 0 "import active.tar.xz, retired.tar.xz and 3 OVAL files" \
  V db import "$UCT/active.tar.xz" "$UCT/retired.tar.xz" "${OVAL[@]}"
check "summary: 2 feeds, boilerplates and symlinks skipped" \
  grep -Eq 'imported [0-9]+ files into 2 feeds .*skipped [1-9][0-9]* unrecognised' "$T/out"
want --tracker "$UCT/active.tar.xz" --tracker "$UCT/retired.tar.xz" "${OVAL_ARGS[@]}" >"$T/want.json" ||
  not_ok "ubuntu_counts.py"
counts >"$T/got.json"
same "status counts equal the independent counts (tracker and OVAL)" "$T/want.json" "$T/got.json"
check "more than 100,000 tracker records" jqtest '.[] | select(.Name == "ubuntu") | .Records > 100000' "$T/got.json"
V db status --format json >"$T/status.json"
check "sources" test "$(jq -r '[.Feeds[] | .Name + " " + .Source] | join(",")' "$T/status.json")" = \
  "ubuntu https://git.launchpad.net/ubuntu-cve-tracker,ubuntu-oval https://security-metadata.canonical.com/oval/"
check "UpstreamDate is the tracker's date" \
  jqtest '.Feeds[] | select(.Name == "ubuntu") | .UpstreamDate == "2020-04-07T13:14:44Z"' "$T/status.json"
before=$(counts)
expect_exit 0 "re-import the same tarballs" V --quiet db import "$UCT/active.tar.xz" "$UCT/retired.tar.xz"
check "re-import leaves the counts unchanged" test "$(counts)" = "$before"

# ---- statements (PRODUCT.md, "Ubuntu") ----
rec() { # NS PKG ID -> "status|fixed|severity|link"
  q "SELECT a.status, a.fixed_version, COALESCE(v.severity, -1), COALESCE(v.link, '') FROM affected a
     JOIN namespace n ON n.id = a.namespace_id JOIN feed_unit u ON u.id = a.unit_id
     JOIN feed f ON f.id = u.feed_id AND f.name = '${4:-ubuntu}'
     LEFT JOIN vulnerability v ON v.unit_id = a.unit_id AND v.namespace_id = a.namespace_id AND v.name = a.name
     WHERE n.name = '$1' AND a.package = '$2' AND a.name = '$3' ORDER BY 1, 2"
}
check "heartbleed: precise openssl fixed in 1.0.1-4ubuntu5.12, High, ubuntu.com link" test \
  "$(rec ubuntu:12.04 openssl CVE-2014-0160)" = "0|1.0.1-4ubuntu5.12|4|https://ubuntu.com/security/CVE-2014-0160"
check "heartbleed: lucid openssl not-affected -> nothing" test -z "$(rec ubuntu:10.04 openssl CVE-2014-0160)"
check "weechat CVE-2020-9760: bionic needed -> affected, no fix, Medium" test \
  "$(rec ubuntu:18.04 weechat CVE-2020-9760)" = "1||3|https://ubuntu.com/security/CVE-2020-9760"
check "weechat CVE-2020-9760: trusty ignored -> nothing" test -z "$(rec ubuntu:14.04 weechat CVE-2020-9760)"
check "description stored" test -n "$(q "SELECT 1 FROM vulnerability WHERE name = 'CVE-2020-9760' AND description LIKE 'An issue was discovered in WeeChat%'")"
# Priority_<pkg>_<release> beats Priority_<pkg> beats Priority: in a real file.
read -r pkgsev_id pkgsev_pkg pkgsev_rel pkgsev_word < <(python3 - "$UCT/retired.tar.xz" <<'EOF'
import re, sys, tarfile
sev = dict(negligible=1, low=2, medium=3, high=4, critical=5)
tar = tarfile.open(sys.argv[1])
for m in tar:
    if not m.isfile(): continue
    text = tar.extractfile(m).read().decode("utf-8", "replace")
    g = re.search(r"^Priority: *(\w+)", text, re.M)
    for pm in re.finditer(r"^Priority_([^_:\s]+)_(xenial|bionic|trusty): *(\w+)", text, re.M):
        pkg, rel, word = pm.groups()
        if g and word != g.group(1) and word in sev and re.search(
                r"^%s_%s: *released \(([0-9][^),]*)" % (rel, re.escape(pkg)), text, re.M):
            print(m.name.split("/")[-1], pkg, rel, sev[word]); sys.exit(0)
EOF
)
if [ -n "${pkgsev_id:-}" ]; then
  ver=$(jq -rn --arg r "$pkgsev_rel" '{xenial: "16.04", bionic: "18.04", trusty: "14.04"}[$r]')
  check "Priority_${pkgsev_pkg}_${pkgsev_rel} gives the severity of $pkgsev_id" \
    test "$(rec "ubuntu:$ver" "$pkgsev_pkg" "$pkgsev_id" | cut -d'|' -f3)" = "$pkgsev_word"
else
  not_ok "found a real file with a per-release package priority"
fi
check "OVAL: noble records name binary packages with fixed versions" \
  test "$(q "SELECT COUNT(*) FROM affected a JOIN namespace n ON n.id = a.namespace_id WHERE n.name = 'ubuntu:24.04' AND a.status = 0 AND a.fixed_version NOT LIKE '0:%'")" -gt 1000
check "OVAL: oracular cups-browsed fixed in 2.0.1-0ubuntu2.1 for CVE-2024-47176, Medium" test \
  "$(rec ubuntu:24.10 cups-browsed CVE-2024-47176 ubuntu-oval)" = "0|2.0.1-0ubuntu2.1|3|https://ubuntu.com/security/CVE-2024-47176"

# ---- --feed ubuntu takes both formats; other tarball formats; ignored.tar.xz ----
DB="$T/feed.db"
expect_exit 0 "--feed ubuntu with the OVAL files and a tarball" \
  V db import --feed ubuntu "${OVAL[@]}" "$UCT/ignored.tar.xz"
same "--feed ubuntu: same counts" <(want --tracker "$UCT/ignored.tar.xz" "${OVAL_ARGS[@]}") <(counts)
mkdir -p "$T/tree"
tar -xJf "$UCT/active.tar.xz" -C "$T/tree" --wildcards 'active/CVE-2020-*' 'active/00boilerplate*'
tar -cf "$T/sub.tar" -C "$T/tree" active
want --tracker "$T/sub.tar" >"$T/want-sub.json"
gzip -c "$T/sub.tar" >"$T/sub.tar.gz"; bzip2 -c "$T/sub.tar" >"$T/sub.tar.bz2"; zstd -q -c "$T/sub.tar" >"$T/sub.tar.zst"
tar --format=pax -cJf "$T/sub-pax.tar.xz" -C "$T/tree" active
for f in sub.tar sub.tar.gz sub.tar.bz2 sub.tar.zst sub-pax.tar.xz; do
  DB="$T/$f.db"
  expect_exit 0 "import $f" V db import "$T/$f"
  same "$f: same counts" "$T/want-sub.json" <(counts)
done
DB="$T/walk.db"
expect_exit 0 "a directory walk of the unpacked subset" V db import "$T/tree"
same "the walk gives the tarball's counts" "$T/want-sub.json" <(counts)

# ---- bad input: exit 3, one line naming the file, previous data intact ----
DB="$T/vigil.db"
before=$(V db status --format json)
mkdir -p "$T/bad"
printf 'Candidate: CVE-2020-0001\nPriority: low\nthis is not a field\nbionic_foo: needed\n' >"$T/bad/CVE-notafield"
printf 'Candidate: CVE 2020 0001\nbionic_foo: needed\n' >"$T/bad/CVE-badid"
printf 'Candidate: CVE-2020-0002\nbionic_foo: needed\n\0\n' >"$T/bad/CVE-nul"
xz -dc "${OVAL[2]}" | head -c 100000 >"$T/bad/truncated.oval.xml"
printf '<?xml version="1.0"?>\n<oval_definitions><generator>Canonical USN OVAL Generator</generator></oval_definitions>\n' >"$T/bad/norelease.oval.xml"
head -c 2000 /dev/urandom >"$T/bad/garbage.bin"
tar -cf "$T/bad/nothing.tar" -C "$T/bad" garbage.bin
head -c 500000 "$UCT/active.tar.xz" >"$T/bad/truncated.tar.xz"
python3 - "$T/sub.tar" "$T/bad/corrupt.tar" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
for off in range(20 * 512, len(d), 7919):   # stomp on headers and data well inside
    d[off:off + 600] = b"\xff" * 600
open(sys.argv[2], "wb").write(bytes(d))
EOF
mkdir -p "$T/badtree/active"; cp "$T/tree/active/CVE-2020-0001" "$T/badtree/active/" 2>/dev/null
cp "$T/bad/CVE-notafield" "$T/badtree/active/CVE-2020-9999"
tar -czf "$T/bad/onebad.tar.gz" -C "$T/badtree" active
for f in CVE-notafield CVE-badid CVE-nul truncated.oval.xml norelease.oval.xml garbage.bin nothing.tar \
         truncated.tar.xz corrupt.tar onebad.tar.gz; do
  expect_exit 3 "bad input $f" V db import "$UCT/ignored.tar.xz" "$T/bad/$f"
  lines=$(wc -l <"$T/err")
  if [ "$lines" -eq 1 ] && grep -q "$f" "$T/err"; then ok "$f: $(cat "$T/err")"
  else not_ok "$f: want one line naming the file, got: $(head -3 "$T/err")"; fi
  check "$f: previous data intact" test "$(V db status --format json)" = "$before"
done
check "a line that is not a field is named" grep -q 'line 3: not a field' <(V db import "$T/bad/CVE-notafield" 2>&1)
check "integrity_check ok" test "$(q 'PRAGMA integrity_check')" = ok

# ---- mutated tracker and OVAL files: never a crash, exit 0 or 3 ----
xz -dc "${OVAL[2]}" >"$T/oracular.oval.xml"
python3 "$HERE/tools/mutate.py" "$T/mut" 30 "$UCT/examples/retired_CVE-2016-5195" "$T/oracular.oval.xml"
bad_exit=0 n=0
for f in "$T"/mut/*; do
  n=$((n + 1))
  timeout 30 "$VIGIL_BIN" --db "$T/mut.db" --quiet db import --feed ubuntu "$f" >/dev/null 2>"$T/err"
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then bad_exit=$((bad_exit + 1)); echo "    $f: exit $rc: $(head -2 "$T/err")"; fi
done
check "$n mutated Ubuntu files: each exit 0 or 3" test "$bad_exit" -eq 0 -a "$n" -gt 0
finish
