#!/usr/bin/env bash
# Performance figures (not a test) for `vigil scan`, whole process, against a
# database holding every Alpine secdb file: for each image, the time of only
# decompressing its layers (floor.py, the physical floor), a cold scan (empty
# layer cache), a warm scan (its layers cached by an earlier scan) and a
# --no-cache scan, with the peak RSS of the cold one. The Debian image has no
# data in this database: its scans stop with exit 4 after reading the image
# (still the whole read + detect + coverage check).
#   usage: bench/scan.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
HERE=$(dirname "$(realpath "$0")")
RUNS=${RUNS:-5}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

# best wall time (s) and its peak RSS (KiB) of RUNS runs; `prep` runs before each; exit 0, 1, 4 are fine
measure() {
  local prep=$1 cmd=$2 best="" rss="" i t m rc
  for ((i = 0; i < RUNS; i++)); do
    bash -c "$prep"
    rc=0; /usr/bin/time -f '%e %M' -o "$TMP/t" bash -c "$cmd" >/dev/null 2>"$TMP/err" || rc=$?
    case $rc in 0 | 1 | 4) ;; *) echo "FAILED ($rc): $cmd: $(tail -2 "$TMP/err")" >&2; return 1 ;; esac
    read -r t m < <(tail -1 "$TMP/t")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t rss=$m; fi
  done
  echo "$best $rss"
}

BASE="$TMP/base.db" DB="$TMP/run.db"
"$VIGIL" --db "$BASE" --quiet db import "$SHARED/vulndata/alpine/secdb-json"
FRESH="rm -f $DB $DB-wal $DB-shm; cp $BASE $DB"

IMAGES=(
  "$SHARED/images/fixtures/alpine/trivy-integration/testdata/fixtures/images/alpine-39.tar.gz"
  "$SHARED/images/fixtures/alpine/trivy-integration/testdata/fixtures/images/alpine-310.tar.gz"
  "$SHARED/images/fixtures/alpine/fanal/alpine-311.tar.gz"
  "$SHARED/images/debian-bookworm-openssl/debian-bookworm-openssl.oci.tar"
  "$SHARED/images/debian-bookworm-openssl/debian-bookworm-openssl.docker.tar.zst"
)
printf '%-42s %8s %8s %8s %8s %8s %9s\n' image findings floor_s cold_s warm_s nocache_s rss_MiB
for img in "${IMAGES[@]}"; do
  [ -e "$img" ] || continue
  scan=$(printf '%q --db %q --quiet scan %q --format json' "$VIGIL" "$DB" "$img")
  read -r floor _ < <(measure ":" "$(python3 "$HERE/floor.py" "$img")")
  read -r cold rss < <(measure "$FRESH" "$scan")
  bash -c "$FRESH"; bash -c "$scan" >"$TMP/out.json" 2>/dev/null || true
  n=$(jq '[.Results[]?.Vulnerabilities[]?] | length' "$TMP/out.json" 2>/dev/null || echo -)
  read -r warm _ < <(measure ":" "$scan")
  read -r nocache _ < <(measure "$FRESH" "$scan --no-cache")
  printf '%-42s %8s %8s %8s %8s %8s %9.1f\n' "$(basename "$img")" "${n:--}" "$floor" "$cold" "$warm" \
    "$nocache" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
done
echo "database: $(du -k "$BASE" | cut -f1) KiB (all Alpine secdb JSON); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
