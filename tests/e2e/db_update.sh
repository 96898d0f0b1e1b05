#!/usr/bin/env bash
# vigil db update: from a mirror directory (../shared/vulndata) and from a
# local HTTP server laid out like secdb.alpinelinux.org (tools/feed_server.py:
# ETag, Last-Modified, 304, a request log). A no-change update sends one
# conditional request per source and writes nothing (status and database
# file byte-identical); a changed source is the only one re-imported; a
# source answering 500 or garbage fails the feed (exit 5 or 3) and leaves
# its previous data whole; kill -9 during an update leaves the previous data
# whole. Timing is not asserted here (bench/db_update.sh measures it).
. "$(dirname "$0")/lib/common.sh"
HERE=$(dirname "$0")
VD="$VIGIL_SHARED/vulndata"
ALP="$VD/alpine/secdb-json"
[ -d "$ALP" ] || { not_ok "missing $ALP"; finish; exit 1; }
require_tools python3
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
status() { V db status --format json; }
counts() { status | jq -cS '.Feeds[0] | {Vulnerabilities, Records, Namespaces}'; }
integrity() { [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]; }
mapfile -t JSON < <(find "$ALP" -type f -name '*.json' | sort)
python3 "$HERE/tools/alpine_counts.py" "${JSON[@]}" | jq -cS . >"$T/want.json"

# ---- 1. --mirror: the first update imports, the second touches nothing ----
expect_exit 0 "update --mirror imports alpine" V db update --feed alpine --mirror "$VD"
check "summary: 41 of 41 sources changed" grep -q '^alpine: updated: 41 of 41 sources changed' "$T/out"
same "counts equal the independent counts of the 41 files" "$T/want.json" <(counts)
status >"$T/s1.json"; sha1=$(sha256sum <"$DB")
expect_exit 0 "second update --mirror" V db update --feed alpine --mirror "$VD"
check "summary: unchanged" grep -q '^alpine: unchanged: 41 sources' "$T/out"
status >"$T/s2.json"
same "no-change update: status byte-identical" "$T/s1.json" "$T/s2.json"
check "no-change update: database file byte-identical" test "$(sha256sum <"$DB")" = "$sha1"
expect_exit 0 "--feed alpine --mirror" V db update --feed alpine --mirror "$VD"
expect_exit 2 "--feed unknown" V db update --feed nosuch --mirror "$VD"
expect_exit 2 "unexpected argument" V db update --feed alpine --bogus
expect_exit 3 "a mirror directory that does not exist" V db update --feed alpine --mirror "$T/nope"
check "it is named" grep -q "mirror '$T/nope'" "$T/err"
# A mirror missing one source: the feed fails (exit 3), naming the file; data intact.
mkdir -p "$T/m/alpine"; cp -r "$ALP" "$T/m/alpine/"; rm "$T/m/alpine/secdb-json/v3.7/community.json"
expect_exit 3 "a mirror missing a source" V db update --feed alpine --mirror "$T/m"
check "the missing file is named" grep -q "has no 'alpine/secdb-json/v3.7/community.json'" "$T/err"
check "the summary says alpine failed" grep -q '^alpine: failed: ' "$T/out"
same "failed update: status unchanged" "$T/s1.json" <(status)
# Another mirror with the same content: digests equal, nothing re-imported.
cp "$ALP/v3.7/community.json" "$T/m/alpine/secdb-json/v3.7/"
expect_exit 0 "a copy of the mirror (same content, other files)" V db update --feed alpine --mirror "$T/m"
check "summary: unchanged" grep -q '^alpine: unchanged: 41 sources' "$T/out"
same "same content elsewhere: status byte-identical" "$T/s1.json" <(status)

# ---- 2. HTTP with conditional GET ----
WWW="$T/www"; mkdir -p "$WWW"; cp -r "$ALP"/. "$WWW/"
LOG="$T/requests.log"; FAULTS="$T/faults"; : >"$LOG"; : >"$FAULTS"
python3 "$HERE/tools/feed_server.py" "$WWW" "$T/port" "$LOG" "$FAULTS" 2>"$T/server.err" &
SRV=$!
trap 'kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port")
export VIGIL_FEED_ALPINE_URL="http://127.0.0.1:$PORT/"
DB="$T/http.db"
n_req() { wc -l <"$LOG"; }
n_status() { grep -c " $1 inm=" "$LOG"; }
expect_exit 0 "update over HTTP" V db update --feed alpine
check "41 requests, all 200, none conditional" \
  test "$(n_req)" -eq 41 -a "$(n_status 200)" -eq 41 -a "$(grep -c 'inm=-$' "$LOG")" -eq 41
same "HTTP: counts equal the independent counts" "$T/want.json" <(counts)
check "units record their URL and ETag" \
  test "$(sqlite3 "$DB" "SELECT source || ' ' || (etag <> '') FROM feed_unit WHERE key = 'v3.18/main'")" = "http://127.0.0.1:$PORT/v3.18/main.json 1"
status >"$T/h1.json"; sha1=$(sha256sum <"$DB")
: >"$LOG"
expect_exit 0 "second update over HTTP" V db update --feed alpine
check "exactly one request per source (41), each conditional, each 304" \
  test "$(n_req)" -eq 41 -a "$(n_status 304)" -eq 41 -a "$(grep -c 'inm="' "$LOG")" -eq 41
check "summary: unchanged" grep -q '^alpine: unchanged: 41 sources' "$T/out"
same "HTTP no-change: status byte-identical" "$T/h1.json" <(status)
check "HTTP no-change: database file byte-identical" test "$(sha256sum <"$DB")" = "$sha1"

# A touched file (new ETag, same bytes): fetched once, not imported, status unchanged.
touch -d '2030-01-01 00:00:00 UTC' "$WWW/v3.17/main.json"
: >"$LOG"
expect_exit 0 "update after touching one file" V db update --feed alpine
check "one 200 and 40 304" test "$(n_status 200)" -eq 1 -a "$(n_status 304)" -eq 40
check "summary: unchanged" grep -q '^alpine: unchanged: 41 sources' "$T/out"
same "same bytes, new ETag: status byte-identical" "$T/h1.json" <(status)
: >"$LOG"
expect_exit 0 "and the next update" V db update --feed alpine
check "the new ETag was recorded: 41 304" test "$(n_status 304)" -eq 41

# A changed file: only it is fetched in full and re-imported.
python3 - "$WWW/v3.18/main.json" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["packages"] = [x for x in d["packages"] if x["pkg"]["name"] != "openssl"]
json.dump(d, open(p, "w"))
PY
: >"$LOG"
expect_exit 0 "update after changing v3.18/main.json" V db update --feed alpine
check "one 200 (v3.18/main.json) and 40 304" \
  test "$(n_status 200)" -eq 1 -a "$(n_status 304)" -eq 40 -a "$(grep -c 'GET /v3.18/main.json 200' "$LOG")" -eq 1
check "summary: 1 of 41 sources changed" grep -q '^alpine: updated: 1 of 41 sources changed' "$T/out"
mapfile -t WJSON < <(find "$WWW" -type f -name '*.json' | sort)
python3 "$HERE/tools/alpine_counts.py" "${WJSON[@]}" | jq -cS . >"$T/want2.json"
same "counts follow the changed file" "$T/want2.json" <(counts)
check "no openssl record left in alpine:v3.18 main" \
  test "$(sqlite3 "$DB" "SELECT COUNT(*) FROM affected a JOIN namespace n ON n.id = a.namespace_id JOIN feed_unit u ON u.id = a.unit_id WHERE n.name = 'alpine:v3.18' AND a.package = 'openssl' AND u.key = 'v3.18/main'")" -eq 0
status >"$T/h2.json"

# ---- 3. a source answering 500 or garbage fails the feed; data intact ----
cp "$ALP/v3.18/main.json" "$WWW/v3.18/main.json"   # a real change is waiting too
echo "/v3.19/community.json 500" >"$FAULTS"
: >"$LOG"
expect_exit 5 "a source answering 500" V db update --feed alpine
check "the message names the URL and the status" grep -q "v3.19/community.json': HTTP 500" "$T/err"
check "the summary says alpine failed" grep -q '^alpine: failed: .*HTTP 500' "$T/out"
same "500: previous data whole (the waiting change not imported)" "$T/h2.json" <(status)
echo "/v3.16/main.json garbage" >"$FAULTS"
expect_exit 3 "a source answering garbage" V db update --feed alpine
check "the message names the URL" grep -q "v3.16/main.json'" "$T/err"
same "garbage: previous data whole" "$T/h2.json" <(status)
: >"$FAULTS"
expect_exit 0 "the faults gone, the update goes through" V db update --feed alpine
check "summary: the waiting change (and the source the garbage replaced) imported" \
  grep -Eq '^alpine: updated: [12] of 41 sources changed' "$T/out"
same "counts are back to the original files" "$T/want.json" <(counts)
check "integrity_check ok" integrity

# ---- refused and unreachable URLs ----
VIGIL_FEED_ALPINE_URL="http://example.invalid/" expect_exit 3 "plain http to another host is refused" V db update --feed alpine
check "it says why" grep -q "plain http only to 127.0.0.1" "$T/err"
VIGIL_FEED_ALPINE_URL="ftp://127.0.0.1/" expect_exit 3 "ftp:// is refused" V db update --feed alpine
VIGIL_FEED_ALPINE_URL="http://127.0.0.1:1/" expect_exit 5 "a closed port is a network failure" V db update --feed alpine
same "refusals left the data whole" "$T/want.json" <(counts)

# ---- file:// URLs ----
DB="$T/file.db"
VIGIL_FEED_ALPINE_URL="file://$WWW" expect_exit 0 "update from file://" V db update --feed alpine
same "file://: counts" "$T/want.json" <(counts)
status >"$T/f1.json"
VIGIL_FEED_ALPINE_URL="file://$WWW" expect_exit 0 "second update from file://" V db update --feed alpine
check "file:// no-change: unchanged" grep -q '^alpine: unchanged: 41 sources' "$T/out"
same "file:// no-change: status byte-identical" "$T/f1.json" <(status)

# ---- 4. kill -9 during an update ----
DB="$T/kill.db"
expect_exit 0 "previous data: the 2020 YAML secdb" V db import "$VD/alpine/secdb-yaml"
old=$(counts)
new=$(cat "$T/want.json")
killed=0 partial=0
for i in $(seq 1 10); do
  # vigil itself in the background (not through V: kill would hit the subshell)
  "$VIGIL_BIN" --db "$DB" --quiet db update --feed alpine --mirror "$VD" &
  pid=$!
  sleep "0.$(printf '%02d' $((RANDOM % 30 + 2)))"
  kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
  wait "$pid" 2>/dev/null
  integrity || { partial=$((partial + 1)); echo "    integrity_check failed after kill $i"; }
  now=$(counts)
  if [ "$now" = "$new" ]; then break   # the kill came after the commit
  elif [ "$now" != "$old" ]; then partial=$((partial + 1)); echo "    partial data after kill $i: $now"; fi
done
check "kill -9 during updates ($killed landed): no partial data, integrity ok" test "$partial" -eq 0 -a "$killed" -gt 0
expect_exit 0 "the next update completes" V db update --feed alpine --mirror "$VD"
# Every YAML unit (v3.3-v3.11 main/community) is replaced by its JSON file.
same "after the kills: the 41 JSON files, whole" "$T/want.json" <(counts)
finish
