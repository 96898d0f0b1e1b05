#!/bin/sh
# The main job end to end (`make demo`): load the vulnerability data into a
# demo database under the build directory (not the user's default), then scan
# the Alpine 3.10 image and the Debian 12 image of ../shared/images and print
# the tables. The data comes from ../shared/vulndata when it is there (Alpine
# through `db update --mirror`, the Debian tracker lists and JSON exports
# through `db import`), otherwise from upstream with `vigil db update`.
# (../shared's Debian lists are a snapshot of April 2023, before bookworm's
# release: only a few sample statements name bookworm, so the Debian 12 table
# has little or nothing in it; tests/e2e/scan_debian_lists.sh checks that.)
# usage: scripts/demo.sh [VIGIL [SHARED [DB]]]
set -eu
VIGIL=${1:-build/vigil}
SHARED=${2:-../shared}
DB=${3:-$(dirname "$VIGIL")/demo.db}
DATA="$SHARED/vulndata"
ALPINE="$SHARED/images/fixtures/alpine/trivy-integration/testdata/fixtures/images/alpine-310.tar.gz"
DEBIAN="$SHARED/images/debian-bookworm-openssl/debian-bookworm-openssl.oci.tar"
V() { "$VIGIL" --db "$DB" "$@"; }
say() { printf '\n== %s\n' "$*" >&2; }

if [ -d "$DATA" ]; then
  say "vigil db update --mirror $DATA"
  V db update --mirror "$DATA"
  if [ -d "$DATA/debian" ]; then
    say "vigil db import $DATA/debian"
    V --quiet db import "$DATA/debian"
  fi
else
  say "vigil db update (no $DATA: from upstream)"
  V db update
fi
say "vigil db status"
V db status

for img in "$ALPINE" "$DEBIAN"; do
  if [ ! -e "$img" ]; then
    say "skipped: $img is not there"
    continue
  fi
  say "vigil scan $img"
  V scan "$img"
done
