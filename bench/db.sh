#!/usr/bin/env bash
# Performance figures (not a test) for the vulnerability database: wall time,
# CPU (user+sys) and peak RSS of importing each whole dataset of ../shared
# into a fresh database and again into the filled one (every unit
# replaced), then of `db update --mirror` over every feed (first, and a
# no-change run), a no-change update over local HTTP (conditional requests
# answered 304), and `db status`. Targets (issue 3): all Alpine <= 0.5 s,
# the whole Ubuntu tracker <= 5 s, RSS <= 150 MiB for any import, a
# no-change `db update --mirror` <= 0.2 s.
#   usage: bench/db.sh [VIGIL] [SHARED]
#   RUNS=N   best of N runs (default 3)
#   SYNTH=1  also a synthetic ~80 MiB Debian JSON export and BIG (default 100)
#            renamed copies of the Rocky OVAL in one file (bench/synth_feeds.py)
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
HERE=$(dirname "$(realpath "$0")")
RUNS=${RUNS:-3}
SYNTH=${SYNTH:-0}
BIG=${BIG:-100}
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
row() { printf '%-62s %8s %8s %9.1f\n' "$1" "$2" "$3" "$(awk -v k="$4" 'BEGIN{print k/1024}')"; }
q() { printf '%q ' "$@"; }
fresh() { echo "rm -f $1 $1-wal $1-shm"; }

# import_row NAME FILE...: fresh database, then the same import again (replace)
import_row() {
  local name=$1 db="$TMP/$RANDOM.db" cmd t c m; shift
  cmd="$(q "$VIGIL" --db "$db" --quiet db import "$@")"
  read -r t c m < <(measure "$(fresh "$db")" "$cmd"); row "import $name (fresh db)" "$t" "$c" "$m"
  read -r t c m < <(measure ":" "$cmd"); row "  again (every unit replaced)" "$t" "$c" "$m"
}

mkdir -p "$TMP/csaf"
mapfile -t CSAF < <(python3 "$HERE/../tests/e2e/tools/csaf_counts.py" --list \
  $(find "$VD/redhat/samples" -type f -name '*.json' | sort))
for f in "${CSAF[@]}"; do ln -s "$f" "$TMP/csaf/$(echo "$f" | md5sum | cut -c1-8)-$(basename "$f")"; done

printf '%-62s %8s %8s %9s\n' case wall_s cpu_s rss_MiB
import_row "all Alpine (41 JSON + 18 YAML files)" "$VD/alpine/secdb-json" "$VD/alpine/secdb-yaml"
import_row "whole Ubuntu tracker (active+retired, ~33k files)" \
  "$VD/ubuntu/ubuntu-cve-tracker/active.tar.xz" "$VD/ubuntu/ubuntu-cve-tracker/retired.tar.xz"
import_row "3 Ubuntu USN OVAL files" "$VD/ubuntu/usn-oval-normalized"
import_row "Debian DSA+DLA+DTSA lists" "$VD"/debian/security-tracker/data/{DSA,DLA,DTSA}/list
import_row "Go OSV (osv.tar.xz, 4,291 records)" "$VD/osv/golang-vulndb/osv.tar.xz"
import_row "Rocky 9 OVAL" "$VD/redhat/rocky-oval-normalized/org.rockylinux.rlsa-9.xml.xz"
import_row "RHEL VEX/CSAF samples (${#CSAF[@]} documents)" "$TMP/csaf"

if [ "$SYNTH" = 1 ]; then
  python3 "$HERE/synth_feeds.py" debian-export "$TMP/export.json"
  python3 "$HERE/synth_feeds.py" oval-copies "$VD/redhat/rocky-oval-normalized/org.rockylinux.rlsa-9.xml.xz" "$BIG" "$TMP/big.xml"
  RUNS=1 import_row "synthetic Debian export ($(du -m "$TMP/export.json" | cut -f1) MiB)" "$TMP/export.json"
  RUNS=1 import_row "${BIG}x Rocky OVAL ($(du -m "$TMP/big.xml" | cut -f1) MiB)" "$TMP/big.xml"
fi

DB="$TMP/mirror.db"
UPD=$(q "$VIGIL" --db "$DB" --quiet db update --mirror "$VD")
read -r t c m < <(measure "$(fresh "$DB")" "$UPD"); row "db update --mirror, every feed (fresh db)" "$t" "$c" "$m"
read -r t c m < <(RUNS=$((RUNS < 5 ? 5 : RUNS)) measure ":" "$UPD"); row "no-change db update --mirror (<= 0.2 s)" "$t" "$c" "$m"
read -r t c m < <(measure ":" "$(q "$VIGIL" --db "$DB" db status --format json)"); row "db status --format json (every feed)" "$t" "$c" "$m"

# a local server standing for secdb.alpinelinux.org
mkdir -p "$TMP/www"; cp -r "$VD/alpine/secdb-json/." "$TMP/www/"; : >"$TMP/faults"
python3 "$HERE/../tests/e2e/tools/feed_server.py" "$TMP/www" "$TMP/port" "$TMP/log" "$TMP/faults" &
SRV=$!
for _ in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
DB="$TMP/http.db"
UPD="VIGIL_FEED_ALPINE_URL=http://127.0.0.1:$(cat "$TMP/port")/ $(q "$VIGIL" --db "$DB" --quiet db update --feed alpine)"
read -r t c m < <(measure "$(fresh "$DB")" "$UPD"); row "db update --feed alpine over local HTTP (fresh db)" "$t" "$c" "$m"
: >"$TMP/log"
read -r t c m < <(measure ":" "$UPD"); row "  no-change (41 conditional requests, 304)" "$t" "$c" "$m"
echo "no-change HTTP runs: $(wc -l <"$TMP/log") requests, $(grep -c ' 304 ' "$TMP/log") answered 304"
"$VIGIL" --db "$TMP/mirror.db" db status | sed -n '1,8p'
echo "database (every mirror feed): $(du -k "$TMP/mirror.db" | cut -f1) KiB; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
