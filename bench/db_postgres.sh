#!/usr/bin/env bash
# Performance figures (not a test): the same imports into SQLite and into
# PostgreSQL (a throwaway local cluster, tests/e2e/lib/pg.sh, defaults of
# Debian's package: fsync on), each into a fresh database: Alpine's secdb,
# Debian's DSA/DLA/DTSA lists, the ubuntu-cve-tracker tarballs (~105k
# records), then a re-import of the tracker into the filled database. Best
# wall time of RUNS, its client CPU and the client's peak RSS; the ratio is
# PostgreSQL's wall time over SQLite's (target: the tracker within 2x).
# The server's CPU is not in the client's: it is a separate process.
#   usage: bench/db_postgres.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
V="$SHARED/vulndata"
UCT="$V/ubuntu/ubuntu-cve-tracker"
DATA="$V/debian/security-tracker/data"
T=$(mktemp -d)
# shellcheck source=../tests/e2e/lib/pg.sh
. "$HERE/../tests/e2e/lib/pg.sh"
vigil_pg_start
PSQL_ADMIN="psql -X -q -h 127.0.0.1 -p $VIGIL_PG_PORT -U postgres -d postgres"
PGDB="postgres://postgres@127.0.0.1:$VIGIL_PG_PORT/bench"

# best wall time (s), its user+sys CPU (s) and peak RSS (KiB) of RUNS runs; `prep` runs before each
measure() {
  local prep=$1 cmd=$2 best="" cpu="" rss="" i t u s m
  for ((i = 0; i < RUNS; i++)); do
    bash -c "$prep"
    /usr/bin/time -f '%e %U %S %M' -o "$T/t" bash -c "$cmd" >/dev/null 2>"$T/err" ||
      { echo "FAILED: $cmd: $(tail -2 "$T/err")" >&2; return 1; }
    read -r t u s m <"$T/t"
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$t rss=$m cpu=$(awk -v a="$u" -v b="$s" 'BEGIN{printf "%.2f", a + b}')
    fi
  done
  echo "$best $cpu $rss"
}

SQ_FRESH="rm -f $T/s.db $T/s.db-wal $T/s.db-shm"
PG_FRESH="$PSQL_ADMIN -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null 2>&1"
sq() { printf '%q --db %q --quiet db import' "$VIGIL" "$T/s.db"; printf ' %q' "$@"; }
pg() { printf '%q --db %q --quiet db import' "$VIGIL" "$PGDB"; printf ' %q' "$@"; }

printf '%-28s %9s %7s %8s %9s %7s %8s %6s\n' case sqlite_s cpu_s rss_MiB postgres_s cpu_s rss_MiB ratio
row() {
  local name=$1 sqprep=$2 pgprep=$3; shift 3
  local a b
  read -r st sc sm < <(measure "$sqprep" "$(sq "$@")")
  read -r pt pc pm < <(measure "$pgprep" "$(pg "$@")")
  printf '%-28s %9s %7s %8.1f %9s %7s %8.1f %6.2f\n' "$name" "$st" "$sc" \
    "$(awk -v k="$sm" 'BEGIN{print k/1024}')" "$pt" "$pc" "$(awk -v k="$pm" 'BEGIN{print k/1024}')" \
    "$(awk -v a="$pt" -v b="$st" 'BEGIN{print a/b}')"
}
row "alpine secdb-json (41 files)" "$SQ_FRESH" "$PG_FRESH" "$V/alpine/secdb-json"
row "debian DSA/DLA/DTSA lists" "$SQ_FRESH" "$PG_FRESH" "$DATA/DSA/list" "$DATA/DLA/list" "$DATA/DTSA/list"
row "ubuntu tracker (fresh db)" "$SQ_FRESH" "$PG_FRESH" "$UCT/active.tar.xz" "$UCT/retired.tar.xz"
row "ubuntu tracker (re-import)" ":" ":" "$UCT/active.tar.xz" "$UCT/retired.tar.xz"
"$VIGIL" --db "$PGDB" db status | head -2
echo "postgres database: $($PSQL_ADMIN -At -c "SELECT pg_size_pretty(pg_database_size('bench'))");" \
  "sqlite: $(du -k "$T/s.db" | cut -f1) KiB; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
