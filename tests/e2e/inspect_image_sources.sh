#!/usr/bin/env bash
# How vigil inspect reads IMAGE: the Debian image as an OCI layout directory,
# an OCI tar, a docker-save tar compressed or not, with and without prefixes
# and tags, all giving the same layers and packages; references that are not
# images (missing paths, registry references, wrong prefixes) fail with exit 3
# and one line naming the argument.
. "$(dirname "$0")/lib/common.sh"
B="$IMAGES/debian-bookworm-openssl/debian-bookworm-openssl"
awk '$1 == "diff_id" {print $2}' "$B.layers.txt" >"$T/want-diffids"
[ "$(wc -l <"$T/want-diffids")" -eq 3 ] || not_ok "layers.txt lists 3 diff_ids"

mkdir -p "$T/oci" && tar -xf "$B.oci.tar" -C "$T/oci" || not_ok "extract the OCI tar"
zstd -qdc "$B.docker.tar.zst" >"$T/docker.tar" || not_ok "decompress the docker tar"
gzip -1c "$B.oci.tar" >"$T/oci.tar.gz" || not_ok "gzip the OCI tar"

"$VIGIL_BIN" inspect --format json "$B.oci.tar" | jq -c .Packages >"$T/ref-packages"

# same REF KIND: the same layers (by diff_id) and packages as the OCI tar
same_image() {
  local ref=$1
  if "$VIGIL_BIN" inspect --format json "$ref" >"$T/out.json" 2>"$T/err"; then
    jq -r '.Layers[].DiffID' "$T/out.json" >"$T/diffids"
    same "$ref: layer diff_ids" "$T/want-diffids" "$T/diffids"
    jq -c .Packages "$T/out.json" >"$T/packages"
    same "$ref: packages" "$T/ref-packages" "$T/packages"
  else not_ok "$ref: $(cat "$T/err")"; fi
}
same_image "$T/oci"
same_image "oci:$T/oci"
same_image "oci:$T/oci:latest"
same_image "oci-archive:$B.oci.tar:latest"
same_image "$T/oci.tar.gz"
same_image "$T/docker.tar"
same_image "docker-archive:$B.docker.tar.zst"
same_image "docker-archive:$T/docker.tar:debian-bookworm-openssl:latest"
check "oci dir: blob digests" test "$("$VIGIL_BIN" inspect --format json "$T/oci" |
  jq -c '[.Layers[].Digest | length]')" = '[71,71,71]'

# fail REGEX ARGS...: exit 3 and one stderr line matching REGEX
fail() {
  local re=$1 rc; shift
  "$VIGIL_BIN" inspect "$@" >/dev/null 2>"$T/err"; rc=$?
  if [ "$rc" -ne 3 ]; then not_ok "$*: exit $rc, want 3"
  elif [ "$(wc -l <"$T/err")" -ne 1 ]; then not_ok "$*: $(wc -l <"$T/err") stderr lines"
  elif ! grep -Eq -- "$re" "$T/err"; then not_ok "$*: '$(cat "$T/err")' !~ /$re/"
  else ok "$*: $(cat "$T/err")"; fi
}
fail "no image tagged 'nope'" "oci:$T/oci:nope"
fail "registry pulls are not supported yet: 'alpine:3.18'" alpine:3.18
fail "registry pulls are not supported yet" docker://quay.io/coreos/etcd:v3
fail "no such image '$T/missing.tar'" "$T/missing.tar"
fail "no such image" "$T/no/such/dir"
fail "has no manifest.json" "docker-archive:$B.oci.tar"
fail "has no index.json" "oci-archive:$T/docker.tar"
fail "not an OCI layout directory" "oci:$B.oci.tar"
fail "unrecognised image" "$B.layers.txt"
finish
