#!/usr/bin/env bash
# Performance figures (not a test) for `vigil db update`: a first full update
# from a mirror directory (../shared/vulndata: 41 Alpine secdb files) into a
# fresh database, a no-change update from the same mirror (target <= 0.2 s:
# one stat() per source, one read of the recorded validators, no write), the
# same two over HTTP from a local server (tests/e2e/tools/feed_server.py; the
# no-change run is 41 conditional requests answered 304), and peak RSS.
#   usage: bench/db_update.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
HERE=$(dirname "$(realpath "$0")")
RUNS=${RUNS:-5}
VD="$SHARED/vulndata"
TMP=$(mktemp -d)
SRV=""
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$TMP"' EXIT

# best wall time (s), its user+sys CPU (s) and peak RSS (KiB) of RUNS runs; `prep` runs before each
measure() {
  local prep=$1 cmd=$2 best="" cpu="" rss="" i t u s m
  for ((i = 0; i < RUNS; i++)); do
    bash -c "$prep"
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/t" bash -c "$cmd" >/dev/null 2>"$TMP/err" ||
      { echo "FAILED: $cmd: $(tail -2 "$TMP/err")" >&2; return 1; }
    read -r t u s m <"$TMP/t"
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$t rss=$m cpu=$(awk -v a="$u" -v b="$s" 'BEGIN{printf "%.2f", a + b}')
    fi
  done
  echo "$best $cpu $rss"
}
row() { printf '%-40s %8s %8s %9.1f\n' "$1" "$2" "$3" "$(awk -v k="$4" 'BEGIN{print k/1024}')"; }
printf '%-40s %8s %8s %9s\n' case wall_s cpu_s rss_MiB

DB="$TMP/mirror.db"
UPD=$(printf '%q --db %q --quiet db update --mirror %q' "$VIGIL" "$DB" "$VD")
read -r t c m < <(measure "rm -f $DB $DB-wal $DB-shm" "$UPD"); row "first update --mirror (fresh db)" "$t" "$c" "$m"
read -r t c m < <(measure ":" "$UPD"); row "no-change update --mirror (<= 0.2 s)" "$t" "$c" "$m"

mkdir -p "$TMP/www"; cp -r "$VD/alpine/secdb-json/." "$TMP/www/"; : >"$TMP/faults"
python3 "$HERE/../tests/e2e/tools/feed_server.py" "$TMP/www" "$TMP/port" "$TMP/log" "$TMP/faults" &
SRV=$!
for _ in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
export VIGIL_FEED_ALPINE_URL="http://127.0.0.1:$(cat "$TMP/port")/"
DB="$TMP/http.db"
UPD=$(printf '%q --db %q --quiet db update' "$VIGIL" "$DB")
read -r t c m < <(measure "rm -f $DB $DB-wal $DB-shm" "$UPD"); row "first update over local HTTP" "$t" "$c" "$m"
: >"$TMP/log"
read -r t c m < <(measure ":" "$UPD"); row "no-change update over HTTP (304s)" "$t" "$c" "$m"
echo "requests of the $RUNS no-change HTTP runs: $(wc -l <"$TMP/log") ($(grep -c ' 304 ' "$TMP/log") answered 304)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
