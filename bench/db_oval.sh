#!/usr/bin/env bash
# Performance figures (not a test) for the OVAL feed: wall time, CPU and peak
# RSS (/usr/bin/time -v) of importing the whole Rocky Linux 9 OVAL file
# (1.8 MB of XML, 175 definitions, 1,806 tests) into a fresh database, and of
# re-importing it. Target: RSS <= 150 MiB.
# With BIG=N (e.g. BIG=100) also a synthetic stream of N renamed copies of the
# Rocky file in one document (N x 1.8 MB), to see how time and memory grow;
# BIG="50 200" for several sizes (peak RSS is flat: the file is streamed
# twice from the disk, docs/internals/feeds.md), BZ2=1 to also import the
# first one bzip2-compressed as Red Hat publishes its streams.
#   usage: bench/db_oval.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
RUNS=${RUNS:-5}
BIG=${BIG:-0}
BZ2=${BZ2:-0}
ROCKY="$SHARED/vulndata/redhat/rocky-oval-normalized/org.rockylinux.rlsa-9.xml.xz"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
[ -f "$ROCKY" ] || { echo "missing $ROCKY" >&2; exit 1; }

# best wall time (s), its user+sys CPU (s) and peak RSS (KiB) of RUNS runs; `prep` runs before each
measure() {
  local prep=$1 cmd=$2 best="" cpu="" rss="" i t u s m
  for ((i = 0; i < RUNS; i++)); do
    bash -c "$prep"
    /usr/bin/time -v -o "$TMP/t" bash -c "$cmd" >/dev/null 2>"$TMP/err" ||
      { echo "FAILED: $cmd: $(tail -2 "$TMP/err")" >&2; return 1; }
    t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0;
          for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$TMP/t")
    u=$(awk -F': ' '/User time/ {print $2}' "$TMP/t")
    s=$(awk -F': ' '/System time/ {print $2}' "$TMP/t")
    m=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/t")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$t rss=$m cpu=$(awk -v a="$u" -v b="$s" 'BEGIN{printf "%.2f", a + b}')
    fi
  done
  echo "$best $cpu $rss"
}

printf '%-40s %8s %8s %9s\n' case wall_s cpu_s rss_MiB
row() { printf '%-40s %8s %8s %9.1f\n' "$1" "$2" "$3" "$(awk -v k="$4" 'BEGIN{print k/1024}')"; }

DB="$TMP/vigil.db"
IMPORT=$(printf '%q --db %q --quiet db import %q' "$VIGIL" "$DB" "$ROCKY")
read -r t c m < <(measure "rm -f $DB $DB-wal $DB-shm" "$IMPORT"); row "import Rocky 9 OVAL (fresh db)" "$t" "$c" "$m"
read -r t c m < <(measure ":" "$IMPORT"); row "re-import Rocky 9 OVAL (replace)" "$t" "$c" "$m"
"$VIGIL" --db "$DB" db status | head -2

maxrss=0
for n in $BIG; do
  [ "$n" -gt 0 ] || continue
  # N copies of each section, ids and advisory ids renamed per copy.
  python3 - "$ROCKY" "$n" "$TMP/big.xml" <<'EOF'
import lzma, re, sys
src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
x = lzma.open(src).read().decode()
head, rest = x.split("<definitions>", 1)
parts = {}
for sec in ("definitions", "tests", "objects", "states"):
    m = re.search(r"<%s>(.*?)</%s>" % (sec, sec), x, re.S)
    parts[sec] = m.group(1)
with open(out, "w") as f:
    f.write(head)
    for sec in ("definitions", "tests", "objects", "states"):
        f.write("<%s>" % sec)
        for i in range(n):
            f.write(re.sub(r"(:(?:def|tst|obj|ste):)|(RLSA-)", lambda m: (m.group(1) or m.group(2)) + "%d" % i,
                           parts[sec]))
        f.write("</%s>\n" % sec)
    f.write("</oval_definitions>\n")
EOF
  BIGIMPORT=$(printf '%q --db %q --quiet db import %q' "$VIGIL" "$DB" "$TMP/big.xml")
  read -r t c m < <(RUNS=1 measure "rm -f $DB $DB-wal $DB-shm" "$BIGIMPORT")
  row "import ${n}x Rocky ($(du -m "$TMP/big.xml" | cut -f1) MiB, fresh db)" "$t" "$c" "$m"
  [ "$m" -gt "$maxrss" ] && maxrss=$m
  "$VIGIL" --db "$DB" db status | sed -n 2p
  if [ "$BZ2" = 1 ]; then
    bzip2 -f "$TMP/big.xml"
    BIGIMPORT=$(printf '%q --db %q --quiet db import %q' "$VIGIL" "$DB" "$TMP/big.xml.bz2")
    read -r t c m < <(RUNS=1 measure "rm -f $DB $DB-wal $DB-shm" "$BIGIMPORT")
    row "  the same, bzip2 ($(du -m "$TMP/big.xml.bz2" | cut -f1) MiB)" "$t" "$c" "$m"
    [ "$m" -gt "$maxrss" ] && maxrss=$m
    rm -f "$TMP/big.xml.bz2"
    BZ2=0
  fi
  rm -f "$TMP/big.xml"
done
if [ "$maxrss" -gt 0 ]; then
  awk -v m="$maxrss" 'BEGIN{printf "peak RSS of the synthetic streams: %.1f MiB (target <= 150 MiB: %s)\n", m / 1024, m <= 150 * 1024 ? "met" : "MISSED"}'
fi

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
