#!/usr/bin/env bash
# vigil db import/status for the csaf and osv feeds: every real Red Hat CSAF
# document of ../shared and the whole Go vulnerability database (extracted
# from its tar.xz into a temporary directory) plus trivy-db's PyPI records:
# counts equal those computed independently with python3
# (tools/csaf_counts.py, tools/osv_counts.py); a deleted CSAF document empties
# its unit; bad input is exit 3 with one line naming the file and the
# previous data intact; mutated files never crash.
. "$(dirname "$0")/lib/common.sh"
HERE=$(dirname "$0")
RH="$VIGIL_SHARED/vulndata/redhat/samples"
OSV="$VIGIL_SHARED/vulndata/osv"
[ -d "$RH" ] && [ -f "$OSV/golang-vulndb/osv.tar.xz" ] || { not_ok "missing $RH or $OSV"; finish; exit 1; }
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
feed() { V db status --format json | jq -cS --arg n "$1" '.Feeds[] | select(.Name == $n) | {Vulnerabilities, Records, Namespaces}'; }
integrity() { [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]; }
# status without import times: a failed import of one feed may follow a
# committed import of another (one transaction per feed)
counts() { V db status --format json | jq -c '[.Feeds[] | {Name, Source, Vulnerabilities, Records, Namespaces, UpstreamDate}]'; }

# ---- CSAF: every real document, counted independently ----
mapfile -t ALL < <(find "$RH" -type f -name '*.json' | sort)
mapfile -t CSAF < <(python3 "$HERE/tools/csaf_counts.py" --list "${ALL[@]}")
check "found the real CSAF documents (${#CSAF[@]})" test "${#CSAF[@]}" -ge 20
expect_exit 0 "import every CSAF document" V db import "${CSAF[@]}"
check "summary names ${#CSAF[@]} files" grep -q "imported ${#CSAF[@]} files into 1 feed" "$T/out"
python3 "$HERE/tools/csaf_counts.py" "${CSAF[@]}" | jq -cS . >"$T/want-csaf.json"
same "csaf status counts equal the independent counts" "$T/want-csaf.json" <(feed csaf)
check "csaf covers rhel:6 .. rhel:9" jq -e '.Namespaces | index("rhel:9") and index("rhel:6")' "$T/want-csaf.json" >/dev/null
check "csaf source is Red Hat's VEX URL" test "$(V db status --format json | jq -r '.Feeds[] | select(.Name == "csaf") | .Source')" = \
  "https://security.access.redhat.com/data/csaf/v2/vex/"
before=$(feed csaf)
expect_exit 0 "re-import the same documents" V db import "${CSAF[@]}"
check "re-import leaves the counts unchanged" test "$(feed csaf)" = "$before"
check "curl fixed in RHEL 9 (EVR from the product id)" test "$(sqlite3 "$DB" "SELECT fixed_version FROM affected a
  JOIN namespace n ON n.id = a.namespace_id WHERE n.name = 'rhel:9' AND a.package = 'curl' AND a.name = 'CVE-2023-38545'
  AND fixed_version = '7.76.1-26.el9_3.2'")" = "7.76.1-26.el9_3.2"
check "severity Important -> High (4)" test "$(sqlite3 "$DB" "SELECT DISTINCT severity FROM vulnerability WHERE name = 'CVE-2023-38545'")" = 4

# A deleted document (claircore's convention) empties its unit.
printf '{"document": {"tracking": {"id": "CVE-2023-4154", "status": "deleted"}}}\n' >"$T/deleted.json"
expect_exit 3 "a deleted document is not recognised without --feed" V db import "$T/deleted.json"
expect_exit 0 "--feed csaf takes a deleted document" V db import --feed csaf "$T/deleted.json"
mapfile -t REST < <(printf '%s\n' "${CSAF[@]}" | grep -v '/cve-2023-4154.json$')
python3 "$HERE/tools/csaf_counts.py" "${REST[@]}" | jq -cS 'del(.Namespaces)' >"$T/want-del.json"
same "after the deletion: the counts without cve-2023-4154" "$T/want-del.json" <(feed csaf | jq -cS 'del(.Namespaces)')
expect_exit 0 "import cve-2023-4154 again" V db import "$RH/claircore/vex/cve-2023-4154.json"
check "its data is back" test "$(feed csaf)" = "$before"

# ---- OSV: the Go vulnerability database and trivy-db's PyPI records ----
mkdir -p "$T/go"
tar -xJf "$OSV/golang-vulndb/osv.tar.xz" -C "$T/go" || not_ok "extract osv.tar.xz"
mapfile -t GO < <(find "$T/go" -type f -name '*.json' | sort)
mapfile -t PY < <(find "$OSV/samples/trivy-db/happy" -type f -name '*.json' | sort)
check "found the Go vulndb (${#GO[@]} records) and ${#PY[@]} PyPI records" test "${#GO[@]}" -ge 4291 -a "${#PY[@]}" -ge 5
expect_exit 0 "import the Go vulndb directory and the PyPI records" V db import "$T/go" "${PY[@]}"
check "summary names every file" grep -q "imported $((${#GO[@]} + ${#PY[@]})) files into 1 feed" "$T/out"
python3 "$HERE/tools/osv_counts.py" "${GO[@]}" "${PY[@]}" | jq -cS . >"$T/want-osv.json"
same "osv status counts equal the independent counts" "$T/want-osv.json" <(feed osv)
check "csaf data untouched by the osv import" test "$(feed csaf)" = "$before"
check "GO-2022-0969 ranges for stdlib" test "$(sqlite3 "$DB" "SELECT ranges FROM affected_range WHERE name = 'GO-2022-0969' AND package = 'stdlib'")" = \
  '[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.18.6"},{"introduced":"1.19.0-0"},{"fixed":"1.19.1"}]}]'
check "aliases kept" test "$(sqlite3 "$DB" "SELECT group_concat(alias, ' ') FROM (SELECT alias FROM vulnerability_alias WHERE name = 'GO-2022-0969' ORDER BY alias)")" = \
  "CVE-2022-27664 GHSA-69cg-p879-7622"
check "a withdrawn PyPI record is not stored" test "$(sqlite3 "$DB" "SELECT COUNT(*) FROM affected_range WHERE name = 'PYSEC-2023-73'")" = 0
check "one withdrawn in the future is" test "$(sqlite3 "$DB" "SELECT COUNT(*) FROM affected_range WHERE name = 'PYSEC-2019-156'")" = 1
check "OSV writes no affected rows (no OS matcher sees them)" test "$(sqlite3 "$DB" "SELECT COUNT(*) FROM affected a
  JOIN feed_unit u ON u.id = a.unit_id JOIN feed f ON f.id = u.feed_id WHERE f.name = 'osv'")" = 0
osv_before=$(feed osv)

# A walk: unrecognised files are skipped and counted.
mkdir -p "$T/walk"
cp "$RH/claircore/vex/cve-2023-4154.json" "$OSV/golang-vulndb/examples/GO-2022-0969.json" "$T/walk/"
printf 'not a feed\n' >"$T/walk/readme.txt"
DB="$T/walk.db"
expect_exit 0 "import a directory holding one CSAF, one OSV and one other file" V db import "$T/walk"
check "two feeds, one unrecognised file" grep -q "imported 2 files into 2 feeds.*skipped 1 unrecognised file" "$T/out"
DB="$T/vigil.db"

# ---- bad input: exit 3, one line naming the file, previous data intact ----
all_before=$(counts)
mkdir -p "$T/bad"
head -c 30000 "$RH/claircore/vex/cve-2023-38545.json" >"$T/bad/truncated-csaf.json"
head -c 300 "$OSV/golang-vulndb/examples/GO-2022-0969.json" >"$T/bad/truncated-osv.json"
xz -c "$RH/claircore/vex/cve-2023-4154.json" | head -c 3000 >"$T/bad/truncated-csaf.json.xz"
cp "$OSV/samples/trivy-db/sad/vuln-list/osv/python/PYSEC-2005-1.json" "$T/bad/PYSEC-2005-1.json"
printf '{"document": {"category": "csaf_vex", "csaf_version": "2.0", "tracking": {}}}' >"$T/bad/noid-csaf.json"
printf '{"document": {"category": "csaf_vex", "csaf_version": "2.0", "tracking": {"id": "CVE-1"}}, "vulnerabilities": 7}' >"$T/bad/vulns-csaf.json"
printf '{"id": "GO-1", "modified": "x", "affected": {"a": 1}}' >"$T/bad/affected-osv.json"
printf '{"schema_version": "1.3.1", "modified": "x", "affected": []}' >"$T/bad/noid-osv.json"
for f in truncated-csaf.json truncated-osv.json truncated-csaf.json.xz PYSEC-2005-1.json noid-csaf.json \
  vulns-csaf.json affected-osv.json noid-osv.json; do
  expect_exit 3 "bad input $f" V db import "$RH/claircore/csaf/cve-2021-0084.json" "$OSV/golang-vulndb/examples/GO-2024-2687.json" "$T/bad/$f"
  lines=$(wc -l <"$T/err")
  if [ "$lines" -eq 1 ] && grep -q "$f" "$T/err"; then ok "$f: $(cat "$T/err")"
  else not_ok "$f: want one line naming the file, got: $(head -3 "$T/err")"; fi
  check "$f: previous data intact" test "$(counts)" = "$all_before"
done
expect_exit 3 "--feed csaf on an OSV record" V db import --feed csaf "$OSV/golang-vulndb/examples/GO-2022-0969.json"
expect_exit 3 "--feed osv on a CSAF document" V db import --feed osv "$T/bad/noid-csaf.json"
check "after all that, the data is unchanged" test "$(counts)" = "$all_before"
check "osv counts unchanged" test "$(feed osv)" = "$osv_before"
check "integrity_check ok" integrity

# ---- mutated files: never a crash; exit 0 or 3; data intact ----
python3 "$HERE/tools/mutate.py" "$T/mut" 40 "$RH/claircore/vex/cve-2023-4154.json" "$OSV/golang-vulndb/examples/GO-2022-0969.json"
bad_exit=0 n=0
for f in "$T"/mut/*; do
  n=$((n + 1))
  timeout 30 "$VIGIL_BIN" --db "$T/mut.db" --quiet db import "$f" >/dev/null 2>"$T/err"
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then bad_exit=$((bad_exit + 1)); echo "    $f: exit $rc: $(head -2 "$T/err")"; fi
done
check "$n mutated CSAF and OSV files: each exit 0 or 3" test "$bad_exit" -eq 0 -a "$n" -eq 80
check "mutations never touched the other database" test "$(counts)" = "$all_before"
finish
