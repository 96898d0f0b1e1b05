#!/usr/bin/env bash
# Layer cache (not a test): load time of the Debian OCI tar cold (every layer
# read, `vigil inspect` whole process) and warm (every layer served by a
# cache through vigil_image_load_cached(), in process: the CLI cannot use the
# hook yet, so the figure comes from the unit test tests/unit/lib/image/cache.c,
# which times 20 warm loads with clock_gettime).
#   usage: bench/cache.sh [BUILD] [SHARED]
set -euo pipefail
BUILD=$(realpath "${1:-build}")
SHARED=$(realpath "${2:-../shared}")
IMG="$SHARED/images/debian-bookworm-openssl/debian-bookworm-openssl.oci.tar"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

/usr/bin/time -f '%e %M' -o "$TMP/t" "$BUILD/vigil" inspect --format json "$IMG" >/dev/null
read -r t rss <"$TMP/t"
printf 'cold: vigil inspect %s: %s s, peak RSS %.1f MiB\n' "${IMG##*/}" "$t" \
  "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
VIGIL_SHARED="$SHARED" VIGIL_TEST_FILTER=test_debian_warm \
  "$BUILD/tests/unit_lib_image_cache" 2>&1 | grep '^cache:' | sed 's/^cache: /warm (in process): /'
