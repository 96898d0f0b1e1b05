#!/usr/bin/env bash
# Bad input to vigil inspect: truncated and corrupt archives, manifest
# problems, digest mismatches, symlink loops, paths that try to climb out of
# the root, an entry claiming 10 GiB, a gzip bomb, package databases of
# garbage, empty images. Each must give exit 3 and ONE line on stderr naming
# the problem, in bounded time and memory; nothing outside the image is read.
. "$(dirname "$0")/lib/common.sh"
python3 "$(dirname "$0")/tools/mkbad.py" "$T" "$VIGIL_SHARED" || { not_ok "mkbad.py"; finish; exit 1; }

# bad NAME IMAGE REGEX: exit 3, exactly one stderr line matching REGEX, within
# 60 s and 256 MiB of resident memory.
bad() {
  local name=$1 img=$2 re=$3 rc lines rss
  /usr/bin/time -f '%M' -o "$T/rss" timeout 60 "$VIGIL_BIN" inspect "$img" >"$T/out" 2>"$T/err"
  rc=$?
  lines=$(wc -l <"$T/err")
  rss=$(tail -1 "$T/rss" | tr -dc 0-9)
  if [ "$rc" -ne 3 ]; then not_ok "$name: exit $rc, want 3"; sed 's/^/    /' "$T/err" | head -3
  elif [ "$lines" -ne 1 ]; then not_ok "$name: $lines stderr lines, want 1"; head -3 "$T/err"
  elif ! grep -Eqi -- "$re" "$T/err"; then not_ok "$name: message '$(cat "$T/err")' !~ /$re/"
  elif [ "${rss:-0}" -gt 262144 ]; then not_ok "$name: peak RSS ${rss} KiB"
  else ok "$name: $(cat "$T/err")"; fi
}

for f in "$T"/truncated-*.tar; do
  bad "truncated $(basename "$f")" "$f" 'truncated|unexpected end|premature|corrupt|damaged|missing|no (manifest|index)|not a'
done
bad "corrupt gzip layer" "$T/corrupt-layer.tar" 'digest|corrupt|invalid|gzip|checksum|mismatch'
bad "missing manifest" "$T/no-manifest.tar" 'manifest'
bad "malformed manifest" "$T/bad-manifest.tar" 'manifest'
bad "manifest names a missing layer" "$T/missing-layer.tar" 'missing|not found|no such'
bad "diff_id mismatch" "$T/diffid-mismatch.tar" 'diff_id|mismatch'
bad "blob digest mismatch" "$T/digest-mismatch.tar" 'digest|mismatch'
# one byte flipped inside the biggest layer of the zstd docker-save image: the
# diff_id (hashed on the hashing thread) must name the content's real digest
read -r member want got < <(python3 "$(dirname "$0")/tools/corrupt_layer.py" \
  "$IMAGES/debian-bookworm-openssl/debian-bookworm-openssl.docker.tar.zst" "$T/corrupt-layer.tar.zst")
bad "a corrupted layer of a .tar.zst" "$T/corrupt-layer.tar.zst" 'diff_id mismatch'
check "  ... the message names the layer, the config's diff_id and the content's sha256" test \
  "$(cat "$T/err")" = "vigil: layer '$member': diff_id mismatch: config says $want, content is $got"
bad "image without layers" "$T/no-layers.tar" 'no layers'
bad "symlink loop in a layer" "$T/symlink-loop.tar" 'symbolic links|loop'
bad "symlink loop in a rootfs" "$T/rootfs-loop" 'symbolic links|loop'
bad "entry claiming 10 GiB (kept file)" "$T/claims-10g.tar" 'cap|too (big|large)|over'
bad "entry claiming 10 GiB (outer archive)" "$T/claims-10g-alone.tar" 'truncated|unexpected end|premature|manifest|not a'
bad "gzip bomb layer" "$T/bomb-docker.tar" 'bomb|ratio|too (big|large)'
bad "empty file" "$T/empty.tar" 'empty|not a|unrecognised|unknown|manifest'
bad "empty tar" "$T/empty-archive.tar" 'empty|manifest|no layers|not a'
bad "dpkg status of garbage" "$T/garbage-dpkg" 'var/lib/dpkg/status'
bad "apk database of garbage" "$T/garbage-apk" 'lib/apk/db/installed'
bad "rpm Berkeley DB of garbage" "$T/garbage-rpm-bdb" 'var/lib/rpm/Packages'
bad "rpm sqlite of garbage" "$T/garbage-rpm-sqlite" 'rpmdb.sqlite'
bad "rpm ndb of garbage" "$T/garbage-rpm-ndb" 'Packages.db'
bad "no such path" "$T/does/not/exist.tar" 'no such file'

# Paths that climb: cleaned into the image, never outside it.
if "$VIGIL_BIN" inspect --format json "$T/climb.tar" >"$T/climb.json" 2>"$T/err"; then
  check "'../../../etc/os-release' lands on the image's etc/os-release" \
    test "$(jq -r .Namespace "$T/climb.json")" = alpine:v3.18
  check "a symlink climbing out resolves inside the image (nothing found)" \
    test "$(jq '.Packages | length' "$T/climb.json")" = 0
else not_ok "climb.tar: $(cat "$T/err")"; fi
if "$VIGIL_BIN" inspect --format json "$T/rootfs-escape" >"$T/esc.json" 2>"$T/err"; then
  check "rootfs symlinks to the host's files are not followed out" \
    test "$(jq -r .Namespace "$T/esc.json")" = null
else not_ok "rootfs-escape: $(cat "$T/err")"; fi

# Usage errors are exit 2.
expect_exit 2 "inspect without IMAGE" "$VIGIL_BIN" inspect
expect_exit 2 "inspect with an unknown format" "$VIGIL_BIN" inspect --format xml "$T/climb.tar"
expect_exit 2 "inspect with a bad size" "$VIGIL_BIN" inspect --max-file-size lots "$T/climb.tar"
finish
