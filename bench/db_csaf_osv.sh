#!/usr/bin/env bash
# Performance figures (not a test) for the csaf and osv feeds: the time and
# peak RSS (/usr/bin/time -v) of importing the whole Go vulnerability
# database (4,291 OSV records, extracted from its tar.xz first) and every real
# Red Hat CSAF document of ../shared (VEX and advisories) into a fresh
# database, of re-importing them (every unit replaced), and of db status.
# Target: RSS <= 150 MiB.
#   usage: bench/db_csaf_osv.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
RUNS=${RUNS:-3}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
RH="$SHARED/vulndata/redhat/samples"
HERE=$(dirname "$0")

mkdir -p "$TMP/go"
tar -xJf "$SHARED/vulndata/osv/golang-vulndb/osv.tar.xz" -C "$TMP/go"
mapfile -t CSAF < <(python3 "$HERE/../tests/e2e/tools/csaf_counts.py" --list $(find "$RH" -type f -name '*.json' | sort))
printf '%s\n' "${CSAF[@]}" >"$TMP/csaf.list"

# best wall time (s), its user+sys CPU (s) and the highest peak RSS (KiB) of RUNS runs
measure() {
  local prep=$1 cmd=$2 best="" cpu="" rss=0 i t u s m
  for ((i = 0; i < RUNS; i++)); do
    bash -c "$prep"
    /usr/bin/time -v -o "$TMP/t" bash -c "$cmd" >/dev/null 2>"$TMP/err" ||
      { echo "FAILED: $cmd: $(tail -2 "$TMP/err")" >&2; return 1; }
    t=$(awk -F': ' '/Elapsed/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$TMP/t")
    u=$(awk -F': ' '/User time/ {print $2}' "$TMP/t")
    s=$(awk -F': ' '/System time/ {print $2}' "$TMP/t")
    m=$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/t")
    [ "$m" -gt "$rss" ] && rss=$m
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$t cpu=$(awk -v a="$u" -v b="$s" 'BEGIN{printf "%.2f", a + b}')
    fi
  done
  echo "$best $cpu $rss"
}

printf '%-40s %8s %8s %9s\n' case wall_s cpu_s rss_MiB
row() { printf '%-40s %8s %8s %9.1f\n' "$1" "$2" "$3" "$(awk -v k="$4" 'BEGIN{print k/1024}')"; }
DB="$TMP/osv.db"
IMPORT=$(printf '%q --db %q --quiet db import %q' "$VIGIL" "$DB" "$TMP/go")
read -r t c m < <(measure "rm -f $DB $DB-wal $DB-shm" "$IMPORT"); row "import Go vulndb ($(find "$TMP/go" -type f | wc -l) OSV files, fresh db)" "$t" "$c" "$m"
read -r t c m < <(measure ":" "$IMPORT"); row "re-import Go vulndb (replace)" "$t" "$c" "$m"
"$VIGIL" --db "$DB" db status | sed -n 2p
DB="$TMP/csaf.db"
IMPORT="xargs -d '\\n' $(printf '%q --db %q --quiet db import' "$VIGIL" "$DB") <$TMP/csaf.list"
read -r t c m < <(measure "rm -f $DB $DB-wal $DB-shm" "$IMPORT"); row "import ${#CSAF[@]} RHEL CSAF docs (fresh db)" "$t" "$c" "$m"
read -r t c m < <(measure ":" "$IMPORT"); row "re-import RHEL CSAF docs (replace)" "$t" "$c" "$m"
read -r t c m < <(measure ":" "$(printf '%q --db %q db status --format json' "$VIGIL" "$DB")"); row "db status --format json" "$t" "$c" "$m"
"$VIGIL" --db "$DB" db status | sed -n 2p
echo "largest CSAF document: $(ls -S "${CSAF[@]}" | head -1 | xargs du -k | cut -f1) KiB; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
