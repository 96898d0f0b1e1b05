#!/usr/bin/env bash
# Performance figures (not a test) for the Ubuntu feeds: time and peak RSS of
# importing the whole ubuntu-cve-tracker (active.tar.xz + retired.tar.xz,
# ~33k files streamed out of the tarballs) into a fresh database, of
# re-importing it into the filled one (every unit replaced), and of the three
# USN OVAL files. Targets: tracker import <= 5 s, RSS <= 150 MiB.
#   usage: bench/db_ubuntu.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
RUNS=${RUNS:-3}
UCT="$SHARED/vulndata/ubuntu/ubuntu-cve-tracker"
OVAL="$SHARED/vulndata/ubuntu/usn-oval-normalized"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

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

DB="$TMP/vigil.db"
TRACKER=$(printf '%q --db %q --quiet db import %q %q' "$VIGIL" "$DB" "$UCT/active.tar.xz" "$UCT/retired.tar.xz")
OVALS=$(printf '%q --db %q --quiet db import %q' "$VIGIL" "$TMP/oval.db" "$OVAL")
printf '%-40s %8s %8s %9s\n' case wall_s cpu_s rss_MiB
row() { printf '%-40s %8s %8s %9.1f\n' "$1" "$2" "$3" "$(awk -v k="$4" 'BEGIN{print k/1024}')"; }
read -r t c m < <(measure "rm -f $DB $DB-wal $DB-shm" "$TRACKER"); row "import UCT active+retired (fresh db)" "$t" "$c" "$m"
read -r t c m < <(measure ":" "$TRACKER"); row "re-import UCT active+retired (replace)" "$t" "$c" "$m"
read -r t c m < <(measure "rm -f $TMP/oval.db*" "$OVALS"); row "import 3 USN OVAL files (fresh db)" "$t" "$c" "$m"
read -r t c m < <(measure ":" "$(printf '%q --db %q db status --format json' "$VIGIL" "$DB")"); row "db status --format json" "$t" "$c" "$m"
"$VIGIL" --db "$DB" db status | head -2
echo "database: $(du -k "$DB" | cut -f1) KiB; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
