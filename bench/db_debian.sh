#!/usr/bin/env bash
# Performance figures (not a test) for the Debian feed: the time and peak RSS
# of importing the tracker's DSA and DLA lists (+ the JSON export samples)
# into a fresh database, of re-importing them (every unit replaced), and of a
# synthetic JSON export of the real one's size (~80 MiB, generated here: the
# real export is not in ../shared), which shows that the export is parsed one
# package at a time. Target: RSS <= 150 MiB, flat with the export's size: the
# export is streamed (docs/internals/feeds.md, "Two input paths").
# SCALE="1 3" (default "1") generates exports of 1x and 3x the real size;
# ZST=1 also imports the first one zstd-compressed (decompressed once, by the
# digest's pass; the parse reads its decompressed copy).
#   usage: bench/db_debian.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
RUNS=${RUNS:-3}
SCALE=${SCALE:-1}
ZST=${ZST:-0}
DEB="$SHARED/vulndata/debian"
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

# A synthetic export: 12,000 x SCALE packages x 10 IDs x 4 releases, descriptions of ~200 bytes.
gen() {
python3 - "$1" "$2" <<'EOF'
import json, sys
rels = ["buster", "bullseye", "bookworm", "sid"]
with open(sys.argv[1], "w") as f:
    f.write("{")
    for p in range(12000 * int(sys.argv[2])):
        vulns = {}
        for i in range(10):
            vid = "CVE-20%02d-%d" % (p % 24, p * 10 + i)
            vulns[vid] = {"description": "A synthetic vulnerability description " * 5,
                          "scope": "remote",
                          "releases": {r: ({"status": "resolved", "fixed_version": "1.%d-1" % i,
                                            "repositories": {r: "1.%d-1" % i}, "urgency": "medium"}
                                           if (i + j) % 3 else
                                           {"status": "open", "repositories": {r: "1.0-1"},
                                            "urgency": "low**"})
                                       for j, r in enumerate(rels)}}
        f.write(("," if p else "") + json.dumps("pkg%d" % p) + ":" + json.dumps(vulns))
    f.write("}")
EOF
}

DB="$TMP/vigil.db"
LISTS=$(printf '%q %q' "$DEB/security-tracker/data/DSA/list" "$DEB/security-tracker/data/DLA/list")
JSONS=$(printf '%q %q' "$DEB/samples/vunnel/debian.json" "$DEB/samples/vuls-data-update/tracker-api/advisory.json")
IMPORT="$(printf '%q --db %q --quiet db import' "$VIGIL" "$DB") $LISTS $JSONS"
printf '%-44s %8s %8s %9s\n' case wall_s cpu_s rss_MiB
row() { printf '%-44s %8s %8s %9.1f\n' "$1" "$2" "$3" "$(awk -v k="$4" 'BEGIN{print k/1024}')"; }
read -r t c m < <(measure "rm -f $DB $DB-wal $DB-shm" "$IMPORT"); row "DSA+DLA lists + JSON samples (fresh db)" "$t" "$c" "$m"
read -r t c m < <(measure ":" "$IMPORT"); row "the same again (replace)" "$t" "$c" "$m"
"$VIGIL" --db "$DB" db status | head -2
J="$TMP/json.db"
maxrss=0
for k in $SCALE; do
  gen "$TMP/export.json" "$k"
  read -r t c m < <(RUNS=1 measure "rm -f $J $J-wal $J-shm" "$(printf '%q --db %q --quiet db import %q' "$VIGIL" "$J" "$TMP/export.json")")
  row "synthetic export $(($(stat -c %s "$TMP/export.json") >> 20)) MiB (fresh db)" "$t" "$c" "$m"
  [ "$m" -gt "$maxrss" ] && maxrss=$m
  "$VIGIL" --db "$J" db status | sed -n 2p
  if [ "$ZST" = 1 ]; then
    zstd -q -f "$TMP/export.json" -o "$TMP/export.json.zst"
    read -r t c m < <(RUNS=1 measure "rm -f $J $J-wal $J-shm" "$(printf '%q --db %q --quiet db import %q' "$VIGIL" "$J" "$TMP/export.json.zst")")
    row "  the same, zstd ($(($(stat -c %s "$TMP/export.json.zst") >> 20)) MiB)" "$t" "$c" "$m"
    [ "$m" -gt "$maxrss" ] && maxrss=$m
    ZST=0
  fi
done
awk -v m="$maxrss" 'BEGIN{printf "peak RSS of the exports: %.1f MiB (target <= 150 MiB: %s)\n", m / 1024, m <= 150 * 1024 ? "met" : "MISSED"}'
echo "databases: lists $(du -k "$DB" | cut -f1) KiB, synthetic export $(du -k "$J" | cut -f1) KiB; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
