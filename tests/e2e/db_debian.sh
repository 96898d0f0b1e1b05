#!/usr/bin/env bash
# vigil db import/status on the Debian security tracker data of ../shared (the
# real DSA/DLA/DTSA lists and the JSON export and text-list samples): counts
# equal those computed independently from the files (tools/debian_counts.py),
# and so does every stored row, the lowest fix of each (release, package, ID)
# resolved with `dpkg --compare-versions`; the JSON export and the lists are
# separate units; bad input is exit 3 with one line naming the file and the
# previous data intact; mutated files never crash.
. "$(dirname "$0")/lib/common.sh"
HERE=$(dirname "$0")
DEB="$VIGIL_SHARED/vulndata/debian"
DATA="$DEB/security-tracker/data"
S="$DEB/samples"
[ -f "$DATA/DSA/list" ] && [ -f "$DATA/DLA/list" ] && [ -f "$DATA/DTSA/list" ] && [ -d "$S" ] ||
  { not_ok "missing $DEB"; finish; exit 1; }
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
COUNTS() { python3 "$HERE/tools/debian_counts.py" "$@" | jq -cS .; }
status_counts() { V db status --format json | jq -cS '.Feeds[0] | {Vulnerabilities, Records, Namespaces}'; }
rows() {
  sqlite3 -separator "$(printf '\t')" "$DB" "SELECT u.key, n.name, a.package, a.name, a.status, a.fixed_version
    FROM affected a JOIN namespace n ON n.id = a.namespace_id JOIN feed_unit u ON u.id = a.unit_id" | LC_ALL=C sort
}
integrity() { [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]; }

LISTS=("$DATA/DSA/list" "$DATA/DLA/list" "$DATA/DTSA/list")
SAMPLES=("$S/vunnel/debian.json" "$S/clair-v2/fetcher_debian_test.json"
  "$S/vuls-data-update/tracker-api/advisory.json" "$S/vunnel/DSA"
  "$S/vuln-list-update/happy/data/CVE/list" "$S/vuln-list-update/happy/data/DSA/list"
  "$S/vuln-list-update/happy/data/DLA/list" "$S/vuln-list-update/sad/data/DSA/list")
for f in "${SAMPLES[@]}"; do [ -f "$f" ] || not_ok "missing sample $f"; done

# ---- the real lists alone ----
expect_exit 0 "import the DSA, DLA and DTSA lists" V db import "${LISTS[@]}"
check "summary names 3 files" grep -q "imported 3 files into 1 feed" "$T/out"
check "woody and sarge statements are skipped and counted" grep -q "skipped 1510 malformed items" "$T/out"
check "one warning per unplaced release" test "$(grep -c "no Debian version vigil can place" "$T/err")" -eq 2
same "lists: status counts equal the independent counts" <(COUNTS "${LISTS[@]}") <(status_counts)
python3 "$HERE/tools/debian_counts.py" --rows "${LISTS[@]}" | LC_ALL=C sort >"$T/want-rows"
rows >"$T/got-rows"
same "lists: every stored row equals the independent resolution" "$T/want-rows" "$T/got-rows"
check "the lists give tens of thousands of rows" test "$(wc -l <"$T/got-rows")" -gt 30000
V db status --format json >"$T/status.json"
check "one feed, named debian, with its source" \
  test "$(jq -r '[.Feeds[] | .Name + " " + .Source] | join(",")' "$T/status.json")" = "debian https://security-tracker.debian.org/tracker/"
check "UpstreamDate and ImportedAt are RFC 3339 UTC" \
  jq -e '.Feeds[0] | (.UpstreamDate | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")) and (.ImportedAt | test("Z$"))' "$T/status.json"

# ---- lists and samples (JSON export, CVE/list, list excerpts) in one run ----
DB="$T/all.db"
expect_exit 0 "import the lists and the samples" V db import "${LISTS[@]}" "${SAMPLES[@]}"
check "summary names 11 files" grep -q "imported 11 files into 1 feed" "$T/out"
same "lists+samples: status counts equal the independent counts" \
  <(COUNTS "${LISTS[@]}" "${SAMPLES[@]}") <(status_counts)
python3 "$HERE/tools/debian_counts.py" --rows "${LISTS[@]}" "${SAMPLES[@]}" | LC_ALL=C sort >"$T/want-rows"
rows >"$T/got-rows"
same "lists+samples: every stored row equals the independent resolution" "$T/want-rows" "$T/got-rows"
check "units: json, DSA, DLA, DTSA and CVE lists" \
  test "$(sqlite3 "$DB" 'SELECT group_concat(key, " ") FROM (SELECT key FROM feed_unit ORDER BY key)')" = "CVE/list DLA/list DSA/list DTSA/list json"
check "JSON severity stored (high** -> High)" \
  test "$(sqlite3 "$DB" "SELECT severity FROM vulnerability v JOIN namespace n ON n.id = v.namespace_id WHERE n.name = 'debian:9' AND v.name = 'CVE-2008-7220'")" = 4
check "JSON description stored" \
  test "$(sqlite3 "$DB" "SELECT count(*) FROM vulnerability WHERE name = 'CVE-2008-7220' AND description LIKE 'Unspecified vulnerability in Prototype%'")" -ge 1

# Streamed from the disk (VIGIL_FEED_MEMORY_MAX=0: the JSON export scanned
# over a window of the decompressed stream, the lists read whole from it):
# every stored row is the same.
DB="$T/stream.db"
VIGIL_FEED_MEMORY_MAX=0 expect_exit 0 "import the lists and the samples streamed from the disk" \
  V db import "${LISTS[@]}" "${SAMPLES[@]}"
rows >"$T/got-rows-streamed"
same "streamed: every stored row equals the independent resolution" "$T/want-rows" "$T/got-rows-streamed"
DB="$T/all.db"

# The JSON export re-imported alone replaces its unit only; counts unchanged.
before=$(status_counts)
expect_exit 0 "re-import the JSON samples alone" V db import "$S/vunnel/debian.json" "$S/clair-v2/fetcher_debian_test.json" "$S/vuls-data-update/tracker-api/advisory.json"
check "lists kept, counts unchanged" test "$(status_counts)" = "$before"

# A walk of the whole debian directory finds the same 11 files, plus the 4
# lists inside vuls-data-update's tarball of the tracker repository.
TB="$S/vuls-data-update/tracker-salsa/security-tracker-master.tar.gz"
mkdir -p "$T/tb" && tar -xzf "$TB" -C "$T/tb"
TBL=("$T"/tb/security-tracker-master/data/{DSA,DLA,DTSA,CVE}/list)
DB="$T/walk.db"
expect_exit 0 "import the whole debian directory" V db import "$DEB"
check "the walk imports 15 files and skips the rest" grep -Eq "imported 15 files into 1 feed .*skipped [1-9][0-9]* unrecognised files" "$T/out"
same "walk: the same counts" <(COUNTS "${LISTS[@]}" "${SAMPLES[@]}" "${TBL[@]}") <(status_counts)

# Compressed copies give the same data.
mkdir -p "$T/z"
xz -c "$DATA/DSA/list" >"$T/z/DSA-list.xz"
gzip -c "$DATA/DLA/list" >"$T/z/DLA-list.gz"
zstd -q -c "$S/vunnel/debian.json" >"$T/z/debian.json.zst"
DB="$T/z.db"
expect_exit 0 "import xz, gz, zst" V db import "$T"/z/*
same "compressed: the same counts" <(COUNTS "$DATA/DSA/list" "$DATA/DLA/list" "$S/vunnel/debian.json") <(status_counts)
DB="$T/zs.db"
VIGIL_FEED_MEMORY_MAX=0 expect_exit 0 "import xz, gz, zst streamed from the disk" V db import "$T"/z/*
same "compressed, streamed: the same counts" <(COUNTS "$DATA/DSA/list" "$DATA/DLA/list" "$S/vunnel/debian.json") <(status_counts)

# ---- bad input: exit 3, one line naming the file, previous data intact ----
DB="$T/vigil.db"
before=$(V db status --format json)
mkdir -p "$T/bad"
head -c 3000 "$S/vunnel/debian.json" >"$T/bad/truncated.json"
head -c 2000 "$S/vunnel/debian.json" | xz >"$T/bad/truncated.json.xz"
head -c 2000 "$T/z/DSA-list.xz" >"$T/bad/truncated-list.xz"
head -c 2000 /dev/urandom >"$T/bad/garbage.bin"
: >"$T/bad/empty.json"
printf '{"foo": {"CVE-1": {"releases": {"sid": {"status": "open",}}}}}' >"$T/bad/broken.json"
printf '[01 Jan 2020] DSA-1-1 foo - x\n\t{CVE-1}\n\000\n' >"$T/bad/nul-list"
for f in truncated.json truncated.json.xz truncated-list.xz garbage.bin empty.json broken.json nul-list; do
  expect_exit 3 "bad input $f" V db import "$DATA/DTSA/list" "$T/bad/$f"
  lines=$(wc -l <"$T/err")
  if [ "$lines" -eq 1 ] && grep -q "$f" "$T/err"; then ok "$f: $(cat "$T/err")"
  else not_ok "$f: want one line naming the file, got: $(head -3 "$T/err")"; fi
  check "$f: previous data intact" test "$(V db status --format json)" = "$before"
done
check "malformed JSON message has a line and column" grep -q 'line 1, column [0-9]*' <(V db import "$T/bad/broken.json" 2>&1)
expect_exit 3 "--feed debian on the tracker API's invalid.json sample" V db import --feed debian "$S/vuls-data-update/tracker-api/invalid.json"
check "it says what is wrong" grep -q "not a Debian security tracker file" "$T/err"
expect_exit 3 "--feed debian on an Alpine secdb file" V db import --feed debian "$VIGIL_SHARED/vulndata/alpine/secdb-json/v3.2/main.json"
mkdir -p "$T/dir"; cp "$S/vunnel/DSA" "$T/bad/broken.json" "$T/dir/"
expect_exit 3 "directory holding a broken JSON export" V db import "$T/dir"
check "after all that, the data is unchanged" test "$(V db status --format json)" = "$before"
check "integrity_check ok" integrity

# ---- mutated files: never a crash; exit 0 or 3; the other database untouched ----
python3 "$HERE/tools/mutate.py" "$T/mut" 40 "$S/vunnel/debian.json" "$S/vuln-list-update/happy/data/CVE/list" "$S/vunnel/DSA"
bad_exit=0 n=0
for f in "$T"/mut/*; do
  n=$((n + 1))
  timeout 30 "$VIGIL_BIN" --db "$T/mut.db" --quiet db import --feed debian "$f" >/dev/null 2>"$T/err"
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then bad_exit=$((bad_exit + 1)); echo "    $f: exit $rc: $(head -2 "$T/err")"; fi
done
check "$n mutated Debian files: each exit 0 or 3" test "$bad_exit" -eq 0 -a "$n" -eq 120
check "mutations never touched the other database" test "$(V db status --format json)" = "$before"
finish
