#!/usr/bin/env bash
# vigil db import/status on every Alpine secdb file of ../shared: counts equal
# those computed independently from the files; bad input (truncated, garbage,
# empty, broken compression) is exit 3 with one line naming the file and the
# previous data intact; kill -9 in the middle of an import leaves the previous
# data whole (PRAGMA integrity_check ok, status unchanged); a database written
# by a newer vigil is refused with exit 4.
. "$(dirname "$0")/lib/common.sh"
HERE=$(dirname "$0")
ALP="$VIGIL_SHARED/vulndata/alpine"
[ -d "$ALP/secdb-json" ] && [ -d "$ALP/secdb-yaml" ] || { not_ok "missing $ALP"; finish; exit 1; }
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
# status without the import time, for comparisons across imports
counts() { V db status --format json | jq -c '[.Feeds[] | {Name, Source, Vulnerabilities, Records, Namespaces}]'; }
integrity() { [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]; }
jqtest() { jq -e "$@" >/dev/null; }

mapfile -t JSON < <(find "$ALP/secdb-json" -type f -name '*.json' | sort)
mapfile -t YAML < <(find "$ALP/secdb-yaml" -type f -name '*.yaml' | sort)
check "found the 41 JSON and 18 YAML secdb files" test "${#JSON[@]}" -eq 41 -a "${#YAML[@]}" -eq 18

# ---- every file: counts computed independently ----
expect_exit 0 "import secdb-json and secdb-yaml" V db import "$ALP/secdb-json" "$ALP/secdb-yaml"
check "summary names 59 files" grep -q "imported 59 files into 1 feed" "$T/out"
python3 "$HERE/tools/alpine_counts.py" "${JSON[@]}" "${YAML[@]}" >"$T/want.json" || not_ok "alpine_counts.py"
V db status --format json >"$T/status.json"
jq -cS '.Feeds[0] | {Vulnerabilities, Records, Namespaces}' "$T/status.json" >"$T/got.json"
same "status counts equal the independent counts" <(jq -cS . "$T/want.json") "$T/got.json"
check "one feed, named alpine, with its source" \
  test "$(jq -r '[.Feeds[] | .Name + " " + .Source] | join(",")' "$T/status.json")" = "alpine https://secdb.alpinelinux.org/"
check "UpstreamDate and ImportedAt are RFC 3339 UTC" \
  jqtest '.Feeds[0] | (.UpstreamDate | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")) and (.ImportedAt | test("Z$"))' "$T/status.json"
V db status --format json >"$T/status2.json"
same "status is byte-identical for unchanged data" "$T/status.json" "$T/status2.json"
expect_exit 0 "status as a table" V db status
check "table lists the feed" grep -q '^alpine ' "$T/out"

# JSON alone equals the JSON counts; importing the same files again changes nothing.
DB="$T/json.db"
expect_exit 0 "import secdb-json alone" V db import "$ALP/secdb-json"
python3 "$HERE/tools/alpine_counts.py" "${JSON[@]}" | jq -cS . >"$T/want-json.json"
same "secdb-json counts" "$T/want-json.json" <(V db status --format json | jq -cS '.Feeds[0] | {Vulnerabilities, Records, Namespaces}')
before=$(counts)
expect_exit 0 "re-import the same files" V db import "$ALP/secdb-json"
check "re-import leaves the counts unchanged" test "$(counts)" = "$before"

# Compressed copies give the same data.
mkdir -p "$T/z"
gzip -c "$ALP/secdb-json/v3.18/main.json" >"$T/z/main.json.gz"
bzip2 -c "$ALP/secdb-json/v3.17/main.json" >"$T/z/main.json.bz2"
xz -c "$ALP/secdb-json/v3.16/main.json" >"$T/z/main.json.xz"
zstd -q -c "$ALP/secdb-yaml/v3.9/main.yaml" >"$T/z/main.yaml.zst"
DB="$T/z.db"
expect_exit 0 "import gz, bz2, xz, zst" V db import "$T"/z/*
python3 "$HERE/tools/alpine_counts.py" "$ALP/secdb-json/v3.18/main.json" "$ALP/secdb-json/v3.17/main.json" \
  "$ALP/secdb-json/v3.16/main.json" "$ALP/secdb-yaml/v3.9/main.yaml" | jq -cS . >"$T/want-z.json"
same "compressed files: same counts as the plain ones" "$T/want-z.json" \
  <(V db status --format json | jq -cS '.Feeds[0] | {Vulnerabilities, Records, Namespaces}')

# The whole alpine directory, samples included: unrecognised files are skipped and counted.
DB="$T/all.db"
expect_exit 0 "import the whole alpine directory" V db import "$ALP"
check "unrecognised files counted" grep -Eq 'skipped [1-9][0-9]* unrecognised files' "$T/out"

# ---- bad input: exit 3, one line naming the file, previous data intact ----
DB="$T/vigil.db"
before=$(V db status --format json)
mkdir -p "$T/bad"
head -c 30000 "$ALP/secdb-json/v3.18/main.json" >"$T/bad/truncated.json"
head -c 310 "$ALP/secdb-yaml/v3.10/main.yaml" >"$T/bad/truncated.yaml"   # inside the quoted apkurl
head -c 4000 "$T/z/main.json.gz" >"$T/bad/truncated.json.gz"
head -c 2000 /dev/urandom >"$T/bad/garbage.bin"
: >"$T/bad/empty.json"
printf 'distroversion: v3.9\nreponame: main\npackages:\n  - pkg: [\n' >"$T/bad/broken.yaml"
printf '{"distroversion": "v3.9", "reponame": "main", "packages": [}' >"$T/bad/broken.json"
for f in truncated.json truncated.yaml truncated.json.gz garbage.bin empty.json broken.yaml broken.json; do
  expect_exit 3 "bad input $f" V db import "$ALP/secdb-json/v3.2/main.json" "$T/bad/$f"
  lines=$(wc -l <"$T/err")
  if [ "$lines" -eq 1 ] && grep -q "$f" "$T/err"; then ok "$f: $(cat "$T/err")"
  else not_ok "$f: want one line naming the file, got: $(head -3 "$T/err")"; fi
  check "$f: previous data intact" test "$(V db status --format json)" = "$before"
done
check "malformed JSON message has a line and column" grep -q 'line [0-9]*, column' <(V db import "$T/bad/broken.json" 2>&1)
expect_exit 3 "a named file that does not exist" V db import "$T/bad/nope.json"
# A recognised but broken file inside a directory fails the whole feed import.
mkdir -p "$T/dir"; cp "$ALP/secdb-json/v3.5/main.json" "$T/bad/broken.json" "$T/dir/"
expect_exit 3 "directory holding a broken secdb file" V db import "$T/dir"
check "after all that, the data is unchanged" test "$(V db status --format json)" = "$before"
check "integrity_check ok" integrity

# ---- mutated files: never a crash; exit 0 (still a document) or 3; data intact ----
python3 "$HERE/tools/mutate.py" "$T/mut" 40 "$ALP/secdb-json/v3.4/main.json" "$ALP/secdb-yaml/v3.4/main.yaml"
bad_exit=0 n=0
for f in "$T"/mut/*; do
  n=$((n + 1))
  timeout 30 "$VIGIL_BIN" --db "$T/mut.db" --quiet db import "$f" >/dev/null 2>"$T/err"
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then bad_exit=$((bad_exit + 1)); echo "    $f: exit $rc: $(head -2 "$T/err")"; fi
done
check "$n mutated secdb files: each exit 0 or 3" test "$bad_exit" -eq 0 -a "$n" -eq 80
check "mutations never touched the other database" test "$(V db status --format json)" = "$before"

# ---- kill -9 in the middle of an import ----
DB="$T/kill.db"
expect_exit 0 "import secdb-yaml (the previous data)" V db import "$ALP/secdb-yaml"
old=$(counts)
rm -f "$T/kill-new.db"
"$VIGIL_BIN" --db "$T/kill-new.db" --quiet db import "$ALP/secdb-json" "$ALP/secdb-yaml"
new=$("$VIGIL_BIN" --db "$T/kill-new.db" db status --format json | jq -c '[.Feeds[] | {Name, Source, Vulnerabilities, Records, Namespaces}]')
killed=0 partial=0
for i in $(seq 1 12); do
  "$VIGIL_BIN" --db "$DB" --quiet db import "$ALP/secdb-json" "$ALP/secdb-yaml" &   # vigil itself, so kill hits it
  pid=$!
  sleep "0.$(printf '%02d' $((RANDOM % 40 + 2)))"
  kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
  wait "$pid" 2>/dev/null
  integrity || { partial=$((partial + 1)); echo "    integrity_check failed after kill $i"; }
  now=$(counts)
  if [ "$now" = "$new" ]; then old=$now   # the kill came after the commit
  elif [ "$now" != "$old" ]; then partial=$((partial + 1)); echo "    partial data after kill $i: $now"; fi
done
check "12 kill -9 during imports ($killed landed): no partial data, integrity ok" test "$partial" -eq 0 -a "$killed" -gt 0

# ---- two importers at once wait for each other; a reader never waits ----
DB="$T/conc.db"
V --quiet db import "$ALP/secdb-yaml"
V --quiet db import "$ALP/secdb-json" "$ALP/secdb-yaml" & p1=$!
V --quiet db import "$ALP/secdb-json/v3.5" & p2=$!
sleep 0.1
t0=$(date +%s.%N); V db status --format json >"$T/conc.json"; st=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.3f", b - a}')
wait "$p1"; r1=$?; wait "$p2"; r2=$?
check "concurrent imports both succeed" test "$r1" -eq 0 -a "$r2" -eq 0
check "status during an import answers at once (${st}s) with whole data" \
  awk -v t="$st" 'BEGIN{exit !(t + 0 < 1)}'
check "status during an import is valid JSON with one feed" jqtest '.Feeds | length == 1' "$T/conc.json"
check "integrity_check ok after concurrent imports" integrity

# ---- a database from a newer vigil ----
DB="$T/newer.db"
expect_exit 0 "create a database" V db import "$ALP/secdb-json/v3.2/main.json"
sqlite3 "$DB" "INSERT INTO schema_version VALUES (999, 'from the future', 'x')"
expect_exit 4 "a newer schema is refused" V db status
check "the message says why" grep -q 'schema version 999, newer' "$T/err"
expect_exit 4 "import into a newer schema is refused" V db import "$ALP/secdb-json/v3.2/main.json"

# ---- other database problems and usage ----
DB="$T/missing.db"
expect_exit 4 "status of a missing database" V db status
check "status did not create it" test ! -e "$DB"
DB="$T/bad/garbage.bin"
expect_exit 4 "status of a file that is not a database" V db status
DB="$T/fresh/dirs/vigil.db"
expect_exit 0 "import creates the directories" V db import "$ALP/secdb-json/v3.2/main.json"
XDG_CACHE_HOME="$T/xdg" expect_exit 0 "default path under XDG_CACHE_HOME" env -u VIGIL_DB "$VIGIL_BIN" db import "$ALP/secdb-json/v3.2/main.json"
check "database at \$XDG_CACHE_HOME/vigil/vigil.db" test -s "$T/xdg/vigil/vigil.db"
VIGIL_DB="$T/env.db" expect_exit 0 "VIGIL_DB names the database" "$VIGIL_BIN" db import "$ALP/secdb-json/v3.2/main.json"
check "database at \$VIGIL_DB" test -s "$T/env.db"
expect_exit 2 "db without a subcommand" "$VIGIL_BIN" db
expect_exit 2 "db import without PATH" V db import
expect_exit 2 "db import --feed unknown" V db import --feed nosuch "$ALP/secdb-json/v3.2/main.json"
expect_exit 2 "db status --format xml" V db status --format xml
expect_exit 2 "db update --feed unknown" V db update --feed nosuch
expect_exit 0 "db --help" V db --help
expect_exit 3 "--feed alpine on a file that is not Alpine" V db import --feed alpine "$T/bad/garbage.bin"
finish
