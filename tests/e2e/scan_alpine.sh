#!/usr/bin/env bash
# vigil scan on real Alpine images against the real 2024 secdb:
#  (a) every vulnerability of Trivy's golden files for those images (ID,
#      package, installed and fixed version; not severities, which come from
#      NVD in Trivy) is reproduced;
#  (b) the findings equal exactly the set computed without vigil by
#      tools/alpine_expect.py (the image's apk database, the secdb files of its
#      branch, tools/apkver.py's version order, itself checked on the shared
#      apk test vectors);
#  and a second scan (layer cache warm) gives the same findings.
. "$(dirname "$0")/lib/common.sh"
HERE=$(dirname "$0")
SECDB="$VIGIL_SHARED/vulndata/alpine/secdb-json"
TI="$IMAGES/fixtures/alpine/trivy-integration/testdata"
IMGS=("$TI/fixtures/images/alpine-39.tar.gz" "$TI/fixtures/images/alpine-310.tar.gz"
      "$IMAGES/fixtures/alpine/fanal/alpine-311.tar.gz")
require_files "$SECDB" "${IMGS[@]}"
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
rows() { jq -r '.Results[]?.Vulnerabilities[]? | [.VulnerabilityID, .PkgName, .InstalledVersion, (.FixedVersion // "")] | @tsv' "$@" | sort -u; }

check "the test's apk comparator agrees with every shared apk test vector" \
  python3 "$HERE/tools/apkver.py" --check "$VIGIL_SHARED/testvectors/apk-vercmp.tsv"
expect_exit 0 "import the secdb" V db import "$SECDB"

for img in "${IMGS[@]}"; do
  name=$(basename "$img" .tar.gz)
  expect_exit 0 "$name: scan" V scan "$img" --format json -o "$T/$name.json"
  rows "$T/$name.json" >"$T/$name.got"
  python3 "$HERE/tools/alpine_expect.py" "$img" "$SECDB" >"$T/$name.want" || not_ok "$name: alpine_expect.py"
  check "$name: findings are not empty" test -s "$T/$name.want"
  same "$name: findings equal the independently computed set ($(wc -l <"$T/$name.want"))" "$T/$name.want" "$T/$name.got"
  # Trivy's golden files for this image (alpine-39.json.golden, alpine-39-*.json.golden)
  goldens=$(find "$TI" -maxdepth 1 -name "$name.json.golden" -o -maxdepth 1 -name "$name-*.json.golden" | sort)
  if [ -n "$goldens" ]; then
    # shellcheck disable=SC2086
    rows $goldens >"$T/$name.golden"
    missing=$(comm -23 "$T/$name.golden" "$T/$name.got")
    if [ -z "$missing" ]; then ok "$name: all $(wc -l <"$T/$name.golden") vulnerabilities of Trivy's golden files reproduced"
    else not_ok "$name: golden vulnerabilities missing:"; echo "$missing" | sed 's/^/    /'; fi
  fi
  expect_exit 0 "$name: second scan (warm cache)" V scan "$img" --format json -o "$T/$name.2.json"
  same "$name: same findings from the warm cache" "$T/$name.got" <(rows "$T/$name.2.json")
done
check "Trivy's golden files were found for alpine-39 and alpine-310" \
  test -s "$T/alpine-39.golden" -a -s "$T/alpine-310.golden"
finish
