#!/usr/bin/env bash
# vigil db update for every feed at once (docs/internals/update.md):
# 1. --mirror ../shared/vulndata imports each feed's mirror files (csaf has
#    none: skipped), per-feed status counts equal the independent counts of
#    tools/*_counts.py; a second run changes nothing (status and database file
#    byte-identical).
# 2. One feed failing (a truncated tarball in a mirror copy) while the others
#    update; its previous data stays whole.
# 3. A local HTTP server standing for several upstreams (every feed's URL
#    replaced): the debian lists and JSON export with conditional requests,
#    csaf's archive_latest.txt pointer, osv's zip; the exit status is that of
#    the first failing feed.
# 4. The progress line: drawn on a terminal (a pty), absent otherwise.
. "$(dirname "$0")/lib/common.sh"
HERE=$(dirname "$0")
VD="$VIGIL_SHARED/vulndata"
UCT="$VD/ubuntu/ubuntu-cve-tracker"
USN="$VD/ubuntu/usn-oval-normalized"
ROCKY="$VD/redhat/rocky-oval-normalized/org.rockylinux.rlsa-9.xml.xz"
LISTS=("$VD"/debian/security-tracker/data/{DSA,DLA,DTSA}/list)
OVALS=("$USN"/com.ubuntu.{lunar,noble,oracular}.usn.oval.xml.xz)
VEX="$VD/redhat/samples/claircore/vex/server/csaf_vex_2023-10-31.tar.zst"
GOZIP="$VD/osv/samples/vuln-list-update/go/all.zip"
DEBJSON="$VD/debian/samples/vunnel/debian.json"
for f in "${LISTS[@]}" "${OVALS[@]}" "$ROCKY" "$VEX" "$GOZIP" "$DEBJSON" \
  "$UCT/active.tar.xz" "$UCT/retired.tar.xz" "$VD/osv/golang-vulndb/osv.tar.xz"; do
  [ -f "$f" ] || { not_ok "missing shared data $f"; finish; exit 1; }
done
require_tools python3
DB="$T/all.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
# {feed: {Vulnerabilities, Records, Namespaces}} of the status
counts() { V db status --format json | jq -cS '[.Feeds[] | {key: .Name, value: {Vulnerabilities, Records, Namespaces}}] | from_entries'; }
feed() { counts | jq -cS --arg n "$1" '.[$n]'; }
summary() { grep -q "^$1" "$T/out" || { echo "    no line '$1' in:"; sed 's/^/    /' "$T/out"; return 1; }; }

# ---- the independent counts of every mirror dataset ----
mkdir -p "$T/go"; tar -xJf "$VD/osv/golang-vulndb/osv.tar.xz" -C "$T/go"
mapfile -t GO < <(find "$T/go" -type f -name '*.json' | sort)
mapfile -t ALP < <(find "$VD/alpine/secdb-json" -type f -name '*.json' | sort)
OVAL_ARGS=(); for f in "${OVALS[@]}"; do OVAL_ARGS+=(--oval "$f"); done
{
  python3 "$HERE/tools/alpine_counts.py" "${ALP[@]}" | jq -c '{alpine: .}'
  python3 "$HERE/tools/debian_counts.py" "${LISTS[@]}" | jq -c '{debian: .}'
  python3 "$HERE/tools/osv_counts.py" "${GO[@]}" | jq -c '{osv: .}'
  python3 "$HERE/tools/oval_counts.py" "$ROCKY" | jq -c '{oval: {Vulnerabilities, Records, Namespaces}}'
  python3 "$HERE/tools/ubuntu_counts.py" --tracker "$UCT/active.tar.xz" --tracker "$UCT/retired.tar.xz" "${OVAL_ARGS[@]}"
} | jq -cSs add >"$T/want.json"
check "independent counts for 6 feeds" test "$(jq -r 'keys | join(" ")' "$T/want.json")" = "alpine debian osv oval ubuntu ubuntu-oval"

# ---- 1. the whole mirror, then a no-change update ----
expect_exit 0 "update --mirror: every feed" V db update --mirror "$VD"
check "alpine: 41 of 41 sources" summary 'alpine: updated: 41 of 41 sources changed'
check "csaf: skipped, no mirror files" summary 'csaf: skipped: no mirror files (upstream only)'
check "debian: DSA, DLA, DTSA lists" summary 'debian: updated: 3 of 3 sources changed'
check "osv: the Go tarball" summary 'osv: updated: 1 of 1 sources changed'
check "oval: the Rocky 9 file" summary 'oval: updated: 1 of 1 sources changed'
check "ubuntu: active and retired tarballs" summary 'ubuntu: updated: 2 of 2 sources changed'
check "ubuntu-oval: 3 releases" summary 'ubuntu-oval: updated: 3 of 3 sources changed'
same "every feed's status counts equal its independent counts" <(jq -cS . "$T/want.json") <(counts)
check "units of the ubuntu tarballs record the mirror files" \
  test "$(sqlite3 "$DB" "SELECT COUNT(DISTINCT source) FROM feed_unit WHERE source LIKE 'file://%/ubuntu-cve-tracker/%.tar.xz'")" -eq 2
V db status --format json >"$T/s1.json"; sha1=$(sha256sum <"$DB")
start=$(date +%s.%N)
expect_exit 0 "second update --mirror" V db update --mirror "$VD"
end=$(date +%s.%N)
echo "# no-change update --mirror of every feed: $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}') s (bench/db.sh measures it)"
check "every feed unchanged (csaf skipped)" \
  test "$(grep -c ': unchanged: ' "$T/out")" -eq 6 -a "$(grep -c ': skipped: ' "$T/out")" -eq 1
same "no-change: status byte-identical" "$T/s1.json" <(V db status --format json)
check "no-change: database file byte-identical" test "$(sha256sum <"$DB")" = "$sha1"
expect_exit 3 "--feed csaf --mirror: a named feed without mirror files fails" V db update --feed csaf --mirror "$VD"
check "it says why" grep -q "feed 'csaf': no mirror files" "$T/err"

# ---- 2. one feed failing while the others update ----
cp -rs "$VD" "$T/m"
rm "$T/m/ubuntu/ubuntu-cve-tracker/retired.tar.xz"
head -c 400000 "$UCT/retired.tar.xz" >"$T/m/ubuntu/ubuntu-cve-tracker/retired.tar.xz"
DB="$T/fresh.db"
expect_exit 3 "a truncated ubuntu tarball: exit 3" V db update --mirror "$T/m"
check "the summary says ubuntu failed" summary 'ubuntu: failed: '
check "the message names the mirror file" grep -q "feed 'ubuntu': .*ubuntu-cve-tracker/retired.tar.xz" "$T/err"
check "the other feeds updated" \
  test "$(grep -c ': updated: ' "$T/out")" -eq 5
same "status: the five other feeds with their counts, no ubuntu" \
  <(jq -cS 'del(.ubuntu)' "$T/want.json") <(counts)
DB="$T/all.db"
expect_exit 3 "the same mirror over the full database" V db update --mirror "$T/m"
same "ubuntu's previous data whole, the others untouched" "$T/s1.json" <(V db status --format json)
check "integrity_check ok" test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok

# ---- 3. a local server standing for the upstreams ----
WWW="$T/www"
mkdir -p "$WWW/alpine" "$WWW/debian/data" "$WWW/debian/security-tracker.debian.org/tracker/data" \
  "$WWW/csaf" "$WWW/osv/Go"
cp -r "$VD/alpine/secdb-json"/. "$WWW/alpine/"
for l in DSA DLA DTSA; do mkdir -p "$WWW/debian/data/$l"; cp "$VD/debian/security-tracker/data/$l/list" "$WWW/debian/data/$l/"; done
cp "$DEBJSON" "$WWW/debian/security-tracker.debian.org/tracker/data/json"
cp "$VEX" "$WWW/csaf/"; echo "$(basename "$VEX")" >"$WWW/csaf/archive_latest.txt"
cp "$GOZIP" "$WWW/osv/Go/all.zip"
LOG="$T/requests.log"; FAULTS="$T/faults"; : >"$LOG"; : >"$FAULTS"
python3 "$HERE/tools/feed_server.py" "$WWW" "$T/port" "$LOG" "$FAULTS" 2>"$T/server.err" &
SRV=$!
trap 'kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port")
for f in alpine csaf debian osv oval ubuntu ubuntu_oval; do
  export "VIGIL_FEED_${f^^}_URL=http://127.0.0.1:$PORT/${f//_/-}/"
done
DB="$T/http.db"
n_status() { grep -c " $1 inm=" "$LOG"; }

# debian: three raw lists and the JSON export (a whole URL, found under the base as host/path)
expect_exit 0 "debian over HTTP" V db update --feed debian
check "4 requests, all 200" test "$(wc -l <"$LOG")" -eq 4 -a "$(n_status 200)" -eq 4
check "the JSON export is fetched as <base>/<host>/<path>" \
  grep -q 'GET /debian/security-tracker.debian.org/tracker/data/json 200' "$LOG"
same "debian: counts equal the independent counts (lists + JSON)" \
  <(python3 "$HERE/tools/debian_counts.py" "${LISTS[@]}" "$DEBJSON" | jq -cS .) <(feed debian)
V db status --format json >"$T/h1.json"; : >"$LOG"
expect_exit 0 "debian again" V db update --feed debian
check "4 conditional requests, all 304" test "$(n_status 304)" -eq 4 -a "$(grep -c 'inm="' "$LOG")" -eq 4
check "summary: unchanged" summary 'debian: unchanged: 4 sources'
same "debian no-change: status byte-identical" "$T/h1.json" <(V db status --format json)
printf '[01 Apr 2030] DLA-9999-1 zzvigiltest - security update\n\t{CVE-2030-0001}\n\t[buster] - zzvigiltest 1.0-1\n' \
  | cat - "$WWW/debian/data/DLA/list" >"$T/dla" && cp "$T/dla" "$WWW/debian/data/DLA/list"
: >"$LOG"
expect_exit 0 "debian after a new DLA" V db update --feed debian
check "one 200 (DLA/list), three 304" \
  test "$(n_status 304)" -eq 3 -a "$(grep -c 'GET /debian/data/DLA/list 200' "$LOG")" -eq 1
check "summary: 1 of 4 sources changed" summary 'debian: updated: 1 of 4 sources changed'
check "the new advisory is stored" \
  test "$(sqlite3 "$DB" "SELECT COUNT(*) FROM affected WHERE package = 'zzvigiltest'")" -ge 1

# csaf: archive_latest.txt names the archive; unchanged pointer, one request
: >"$LOG"
expect_exit 0 "csaf over HTTP (archive_latest.txt, then the archive)" V db update --feed csaf
check "2 requests: the pointer and the archive" \
  test "$(n_status 200)" -eq 2 -a "$(grep -c "GET /csaf/$(basename "$VEX") 200" "$LOG")" -eq 1
mkdir -p "$T/vex"; tar --zstd -xf "$VEX" -C "$T/vex"
mapfile -t VEXDOCS < <(find "$T/vex" -type f -name '*.json' | sort)
same "csaf: counts equal the independent counts of the archive's documents" \
  <(python3 "$HERE/tools/csaf_counts.py" "${VEXDOCS[@]}" | jq -cS .) <(feed csaf)
check "units record the archive's URL" \
  test "$(sqlite3 "$DB" "SELECT COUNT(*) FROM feed_unit WHERE source = 'http://127.0.0.1:$PORT/csaf/$(basename "$VEX")'")" -ge 1
: >"$LOG"
expect_exit 0 "csaf again" V db update --feed csaf
check "one conditional request (the pointer, 304)" test "$(wc -l <"$LOG")" -eq 1 -a "$(n_status 304)" -eq 1
echo "../../etc/passwd" >"$WWW/csaf/archive_latest.txt"
expect_exit 3 "a pointer naming a path is refused" V db update --feed csaf
check "it says why" grep -q "does not name a file in its directory" "$T/err"
echo "$(basename "$VEX")" >"$WWW/csaf/archive_latest.txt"

# osv: a zip
expect_exit 0 "osv over HTTP (Go/all.zip)" V db update --feed osv
mkdir -p "$T/zip"; (cd "$T/zip" && python3 -m zipfile -e "$GOZIP" .)
mapfile -t ZIPDOCS < <(find "$T/zip" -type f -name '*.json' | sort)
same "osv: counts equal the independent counts of the zip's records" \
  <(python3 "$HERE/tools/osv_counts.py" "${ZIPDOCS[@]}" | jq -cS .) <(feed osv)

# every feed: oval, ubuntu, ubuntu-oval are not served (404: exit 5)
V db status --format json >"$T/h2.json"
echo "/debian/data/DSA/list garbage" >"$FAULTS"
expect_exit 3 "every feed: debian (garbage) fails first, exit 3" V db update
check "alpine updated meanwhile" summary 'alpine: updated: 41 of 41 sources changed'
check "csaf and osv unchanged" summary 'csaf: unchanged' && check "osv unchanged" summary 'osv: unchanged'
check "four failures on stderr (debian, oval, ubuntu, ubuntu-oval)" test "$(grep -c "^vigil: feed '" "$T/err")" -eq 4
check "debian's names the URL" grep -q "^vigil: feed 'debian': 'http://127.0.0.1:$PORT/debian/data/DSA/list'" "$T/err"
same "debian's data whole" <(jq -cS '.Feeds[] | select(.Name == "debian")' "$T/h2.json") \
  <(V db status --format json | jq -cS '.Feeds[] | select(.Name == "debian")')
: >"$FAULTS"
expect_exit 5 "every feed, debian fixed: oval (404) fails first, exit 5" V db update
check "the 404 is named" grep -q "^vigil: feed 'oval': .*HTTP 404" "$T/err"

# ---- 4. the progress line: on a terminal only ----
unset VIGIL_FEED_ALPINE_URL
DB="$T/tty.db"
python3 "$HERE/tools/pty_run.py" "$T/tty.out" "$T/tty.err" "$VIGIL_BIN" --db "$DB" db update --feed alpine --mirror "$VD"
check "on a TTY: exit 0" test $? -eq 0
check "on a TTY: a redrawn progress line with files and records" \
  grep -qaE $'\r\033\\[Kalpine: import \\[[#.]+\\] [0-9]+/41 files, [0-9]+ records' "$T/tty.err"
check "on a TTY: erased before the end" test "$(tail -c 4 "$T/tty.err" | od -An -c | tr -d ' ')" = '\r033[K'
DB="$T/notty.db"
"$VIGIL_BIN" --db "$DB" db update --feed alpine --mirror "$VD" >"$T/notty.out" 2>"$T/notty.err"
check "not a TTY: no progress on stderr" test ! -s "$T/notty.err"
same "stdout the same either way" "$T/notty.out" "$T/tty.out"
DB="$T/tty2.db"
python3 "$HERE/tools/pty_run.py" "$T/tty.out" "$T/tty.err" "$VIGIL_BIN" --db "$DB" db import "$VD/osv/golang-vulndb/osv.tar.xz"
check "db import on a TTY: members counted per feed" \
  grep -qaE $'\r\033\\[Kosv: import [0-9]+ files, [0-9]+ records' "$T/tty.err"
python3 "$HERE/tools/pty_run.py" "$T/tty.out" "$T/tty.err" "$VIGIL_BIN" --db "$DB" --quiet db import "$VD/osv/golang-vulndb/osv.tar.xz"
check "--quiet on a TTY: nothing drawn" test ! -s "$T/tty.err"
finish
