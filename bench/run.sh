#!/usr/bin/env bash
# Performance figures (not a test): for each image in ../shared/images,
# `vigil inspect` wall time and peak RSS beside the time of only decompressing
# its layers (the physical floor); RSS on a synthetic image with one big
# incompressible layer (it must not grow with layer size); and vercmp --batch
# throughput.   usage: bench/run.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
HERE=$(dirname "$(realpath "$0")")
RUNS=${RUNS:-3}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

# best wall time (s) and its peak RSS (KiB) of RUNS runs of a shell command
measure() {
  local best="" rss="" i
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f '%e %M' -o "$TMP/t" bash -c "$1" >/dev/null 2>"$TMP/err" ||
      { echo "FAILED: $1: $(tail -2 "$TMP/err")" >&2; return 1; }
    read -r t m <"$TMP/t"
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t rss=$m; fi
  done
  echo "$best $rss"
}

mapfile -t IMAGES < <(cd "$SHARED/images" && find . -type f \( -name '*.tar' -o -name '*.tar.gz' \
  -o -name '*.tar.zst' \) ! -path './fixtures/layers/fanal/normal.tar' \
  ! -path './fixtures/layers/fanal/opq*.tar' | sort)

printf '%-62s %9s %9s %6s %9s\n' image floor_s inspect_s ratio rss_MiB
for rel in "${IMAGES[@]}"; do
  img="$SHARED/images/${rel#./}"
  floor_cmd=$(python3 "$HERE/floor.py" "$img")
  read -r floor _ < <(measure "$floor_cmd")
  read -r t rss < <(measure "$(printf '%q inspect --format json %q' "$VIGIL" "$img")")
  ratio=$(awk -v a="$t" -v b="$floor" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "-" }')
  printf '%-62s %9s %9s %6s %9.1f\n' "${rel#./}" "$floor" "$t" "$ratio" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
done

# RSS must not grow with layer size: one 16 MiB and one 1 GiB incompressible layer.
python3 - "$TMP" <<'PY'
import hashlib, io, json, os, sys, tarfile
out = sys.argv[1]
for name, size in (("small", 16 << 20), ("big", 1 << 30)):
    path = os.path.join(out, name + ".tar")
    layer = os.path.join(out, name + ".layer")
    h = hashlib.sha256()
    with open(layer, "wb") as f:
        hdr = tarfile.TarInfo("usr/share/blob"); hdr.size = size
        b = hdr.tobuf(format=tarfile.GNU_FORMAT); f.write(b); h.update(b)
        blk = os.urandom(1 << 20)
        for i in range(size >> 20):
            c = hashlib.sha256(blk + i.to_bytes(4, "little")).digest() * (1 << 15)
            f.write(c); h.update(c)
        pad = b"\0" * 1024; f.write(pad); h.update(pad)
    cfg = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + h.hexdigest()]}}).encode()
    with tarfile.open(path, "w") as t:
        t.add(layer, "l/layer.tar")
        for n, d in (("c.json", cfg), ("manifest.json", json.dumps([{"Config": "c.json", "Layers": ["l/layer.tar"]}]).encode())):
            ti = tarfile.TarInfo(n); ti.size = len(d); t.addfile(ti, io.BytesIO(d))
    os.unlink(layer)
PY
for n in small big; do
  read -r t rss < <(measure "$(printf '%q inspect --format json %q' "$VIGIL" "$TMP/$n.tar")")
  printf '%-62s %9s %9s %6s %9.1f\n' "synthetic $n layer ($(du -m "$TMP/$n.tar" | cut -f1) MiB, raw tar)" - "$t" - \
    "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
done

if [ -x "$HERE/vercmp.sh" ]; then "$HERE/vercmp.sh" "$VIGIL" "$SHARED"; fi
if [ -x "$HERE/cache.sh" ] && [ -x "$(dirname "$VIGIL")/tests/unit_lib_image_cache" ]; then
  "$HERE/cache.sh" "$(dirname "$VIGIL")" "$SHARED"
fi
