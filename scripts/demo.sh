#!/bin/sh
# The main job end to end, for now: see inside the Debian test image.
set -eu
VIGIL=${1:-build/vigil}
SHARED=${2:-../shared}
IMG="$SHARED/images/debian-bookworm-openssl/debian-bookworm-openssl.oci.tar"
echo "== vigil inspect $IMG" >&2
"$VIGIL" inspect "$IMG"
