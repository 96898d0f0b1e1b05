#!/usr/bin/env bash
# vigil inspect on the 3-layer Debian 12 image, both archive formats: exactly
# the 104 packages of its dpkg.txt, each with the layer that added it (Clair's
# AddedBy, derived here from the per-layer package lists), curl gone after
# layer 3, the namespace, and the layer digests of layers.txt.
. "$(dirname "$0")/lib/common.sh"
D="$IMAGES/debian-bookworm-openssl"
B="$D/debian-bookworm-openssl"
mapfile -t DIFFIDS < <(awk '$1 == "diff_id" {print $2}' "$B.layers.txt")
mapfile -t BLOBS < <(awk '$1 == "oci" && $2 == "blob" {print $3}' "$B.layers.txt")

# Expected "name version source srcversion layer-diff_id": a package's layer is
# the first layer L such that it has this version in every list from L on.
awk -v d1="${DIFFIDS[0]}" -v d2="${DIFFIDS[1]}" -v d3="${DIFFIDS[2]}" '
  FILENAME ~ /layer1/ { l1[$1 " " $2] = 1; next }
  FILENAME ~ /layer2/ { l2[$1 " " $2] = 1; next }
  FILENAME ~ /layer3/ { l3[$1 " " $2] = 1; next }
  { k = $1 " " $2; by = (k in l1 && k in l2) ? d1 : (k in l2) ? d2 : d3
    print $1, $2, $3, $4, by }' "$B.dpkg.layer1.txt" "$B.dpkg.layer2.txt" "$B.dpkg.layer3.txt" \
  "$B.dpkg.txt" | LC_ALL=C sort >"$T/expected"
[ "$(wc -l <"$T/expected")" -eq 104 ] || not_ok "ground truth has 104 packages"
grep -q "${DIFFIDS[1]}" "$T/expected" && grep -q "${DIFFIDS[0]}" "$T/expected" ||
  not_ok "ground truth spans layers 1 and 2"

for img in "$B.oci.tar" "$B.docker.tar.zst"; do
  name=$(basename "$img")
  if ! "$VIGIL_BIN" inspect --format json "$img" >"$T/out.json" 2>"$T/err"; then
    not_ok "$name: inspect failed: $(cat "$T/err")"; continue
  fi
  jq -r '.Packages[] | "\(.Name) \(.Version) \(.SourceName) \(.SourceVersion) \(.Layer)"' \
    "$T/out.json" | LC_ALL=C sort >"$T/actual"
  same "$name: 104 packages with versions, sources and adding layer" "$T/expected" "$T/actual"
  check "$name: namespace debian:12" test "$(jq -r .Namespace "$T/out.json")" = "debian:12"
  check "$name: Image is the argument" test "$(jq -r .Image "$T/out.json")" = "$img"
  check "$name: every package is dpkg" \
    test "$(jq '[.Packages[] | select(.Format != "dpkg")] | length' "$T/out.json")" = 0
  check "$name: curl is gone, libcurl4 stays" \
    test "$(jq -r '[.Packages[].Name | select(. == "curl" or . == "libcurl4")] | join(",")' \
      "$T/out.json")" = libcurl4
  jq -r '.Layers[].DiffID' "$T/out.json" >"$T/diffids"
  printf '%s\n' "${DIFFIDS[@]}" >"$T/want-diffids"
  same "$name: layer diff_ids" "$T/want-diffids" "$T/diffids"
  check "$name: packages sorted by name" \
    test "$(jq -r '.Packages[].Name' "$T/out.json" | LC_ALL=C sort -c 2>&1 && echo sorted)" = sorted
done

# Digest: the stored blob for OCI, null for the classic docker-save layout.
"$VIGIL_BIN" inspect --format json "$B.oci.tar" | jq -r '.Layers[].Digest' >"$T/digests"
printf '%s\n' "${BLOBS[@]}" >"$T/want-digests"
same "oci: layer blob digests" "$T/want-digests" "$T/digests"
check "docker: digests are null" test "$("$VIGIL_BIN" inspect --format json "$B.docker.tar.zst" |
  jq -c '[.Layers[].Digest]')" = '[null,null,null]'

# The table names the namespace, codename and a known package with its layer.
"$VIGIL_BIN" inspect "$B.oci.tar" >"$T/table" 2>&1
check "table: namespace and codename" grep -q '^Namespace: debian:12 (bookworm)$' "$T/table"
check "table: libssl3 from layer 2" \
  grep -Eq '^libssl3 +3\.0\.22-1~deb12u2 +openssl +3\.0\.22-1~deb12u2 +dpkg +2 sha256:' "$T/table"
check "table: 104 packages" grep -q '^Packages:  104$' "$T/table"

# Explicit prefixes pick the same result.
"$VIGIL_BIN" inspect --format json "oci-archive:$B.oci.tar" | jq -c .Packages >"$T/p1"
jq -c .Packages "$T/out.json" >/dev/null
"$VIGIL_BIN" inspect --format json "$B.oci.tar" | jq -c .Packages >"$T/p2"
same "oci-archive: prefix gives the same packages" "$T/p2" "$T/p1"
finish
