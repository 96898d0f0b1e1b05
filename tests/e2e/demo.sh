#!/usr/bin/env bash
# `make demo`'s script (scripts/demo.sh) on the built binary with a fresh
# database: it loads ../shared/vulndata, scans the Alpine 3.10 and the Debian
# 12 images, prints both tables and exits 0, non-interactively (no stdin);
# run again on the same database it gives the same tables.
. "$(dirname "$0")/lib/common.sh"
SRC=${VIGIL_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
DB="$T/demo.db"
expect_exit 0 "scripts/demo.sh" sh "$SRC/scripts/demo.sh" "$VIGIL_BIN" "$VIGIL_SHARED" "$DB" </dev/null
cp "$T/out" "$T/first"
check "the Alpine table: alpine:v3.10 with findings" grep -Eq '^Total: [1-9][0-9]* ' "$T/first"
check "  ... namespaces of both images" \
  test "$(grep '^Namespace:' "$T/first" | tr -s ' ' | cut -d' ' -f2 | paste -sd,)" = "alpine:v3.10,debian:12"
check "the database holds the Alpine and Debian feeds (and the other mirrored ones)" \
  test "$("$VIGIL_BIN" --db "$DB" db status --format json | jq -r '[.Feeds[].Name] | (index("alpine") != null and index("debian") != null)')" = true
check "the Debian image was scanned" grep -q "debian-bookworm-openssl.oci.tar" "$T/err"
expect_exit 0 "again on the same database" sh "$SRC/scripts/demo.sh" "$VIGIL_BIN" "$VIGIL_SHARED" "$DB" </dev/null
same "  ... the same tables" <(sed -n '/^Image:/,$p' "$T/first") <(sed -n '/^Image:/,$p' "$T/out")
finish
