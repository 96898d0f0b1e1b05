#!/usr/bin/env bash
# vigil scan of a real Debian 12 image against a small Debian tracker JSON
# export written here: findings follow the *source* package and source version
# (bsdutils 1:2.38.1-5+deb12u3 is matched through util-linux 2.38.1-5+deb12u3;
# bash 5.2.15-2+b13 is a binNMU of 5.2.15-2), one per binary package and ID,
# with the urgency's severity; the expected set is computed from `vigil inspect`'s
# package list (not the matcher) and the rules of the JSON written below.
# Then thresholds and filters on real severities, and the layer cache: after one
# scan, a copy of the image whose layer blobs are all zeros scans the same
# (the layers' data was not read), while --no-cache on it fails (exit 3).
# Trivy's Metadata (ImageID, DiffIDs, RepoTags) and ArtifactType for the OCI
# and the zstd docker-save archives and a rootfs, against values hashed from
# the archives here (tools/image_meta.py).
. "$(dirname "$0")/lib/common.sh"
HERE=$(dirname "$0")
IMG="$IMAGES/debian-bookworm-openssl/debian-bookworm-openssl.oci.tar"
[ -e "$IMG" ] || { not_ok "missing $IMG"; finish; exit 1; }
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
rows() { jq -r '.Results[]?.Vulnerabilities[]? | [.VulnerabilityID, .PkgName, .InstalledVersion, (.FixedVersion // ""), .Severity] | @tsv' "$@" | sort; }

# source -> ID -> the statement for bookworm; the last column of RULES is
# whether the image's source version (3.0.22-1~deb12u2, 2.38.1-5+deb12u3,
# 5.2.15-2) is affected, written by hand.
cat >"$T/debian.json" <<'JSON'
{"openssl": {
   "CVE-2099-1001": {"description": "one", "releases": {"bookworm": {"status": "resolved", "fixed_version": "3.0.23-1~deb12u1", "urgency": "high"}}},
   "CVE-2099-1002": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "3.0.22-1~deb12u2", "urgency": "low"}}},
   "TEMP-2099-0001": {"releases": {"bookworm": {"status": "open", "urgency": "unimportant"}}}},
 "util-linux": {
   "CVE-2099-2001": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "2.38.1-5+deb12u4", "urgency": "medium"}}},
   "CVE-2099-2002": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "0", "urgency": "medium"}}}},
 "bash": {
   "CVE-2099-3001": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "5.2.15-3", "urgency": "not yet assigned"},
                                  "bullseye": {"status": "open", "urgency": "high"}}}},
 "zlib": {
   "CVE-2099-4001": {"releases": {"bullseye": {"status": "open", "urgency": "high"}}}}}
JSON
RULES='openssl CVE-2099-1001 3.0.23-1~deb12u1 HIGH yes
openssl CVE-2099-1002 3.0.22-1~deb12u2 LOW no
openssl TEMP-2099-0001 - LOW yes
util-linux CVE-2099-2001 2.38.1-5+deb12u4 MEDIUM yes
util-linux CVE-2099-2002 - MEDIUM no
bash CVE-2099-3001 5.2.15-3 UNKNOWN yes
zlib CVE-2099-4001 - HIGH no'

expect_exit 0 "import the JSON export" V db import --feed debian "$T/debian.json"
"$VIGIL_BIN" inspect --format json "$IMG" >"$T/inspect.json"
while read -r src id fixed sev affected; do
  [ "$affected" = yes ] || continue
  [ "$fixed" = - ] && fixed=
  jq -r --arg s "$src" --arg id "$id" --arg f "$fixed" --arg sev "$sev" \
    '.Packages[] | select(.SourceName == $s) | [$id, .Name, .Version, $f, $sev] | @tsv' "$T/inspect.json"
done <<<"$RULES" | sort >"$T/want"
check "the expected set is not empty ($(wc -l <"$T/want") findings)" test -s "$T/want"
check "bsdutils (epoch 1, source util-linux) is expected" grep -q "^CVE-2099-2001	bsdutils	1:2.38.1-5+deb12u3	2.38.1-5+deb12u4" "$T/want"

expect_exit 0 "scan" V scan "$IMG" -f json -o "$T/scan.json"
rows "$T/scan.json" >"$T/got"
same "findings equal the set from inspect's packages and the JSON's statements" "$T/want" "$T/got"

# ---- thresholds and filters on real severities ----
expect_exit 1 "--threshold High: CVE-2099-1001 is High: exit 1" V scan "$IMG" -f json --threshold High
expect_exit 0 "--threshold Critical: exit 0" V scan "$IMG" -f json --threshold Critical
expect_exit 5 "--fail-on medium --exit-code 5" V scan "$IMG" -f json --fail-on medium --exit-code 5
expect_exit 0 "--severity HIGH" V scan "$IMG" -f json --severity HIGH
check "--severity HIGH keeps only CVE-2099-1001" test "$(jq -r '[.Results[].Vulnerabilities[].VulnerabilityID] | unique | join(",")' "$T/out")" = CVE-2099-1001
expect_exit 0 "--severity negligible" V scan "$IMG" -f json --severity negligible
check "--severity NEGLIGIBLE keeps only the TEMP- ID (urgency unimportant)" \
  test "$(jq -r '[.Results[].Vulnerabilities[].VulnerabilityID] | unique | join(",")' "$T/out")" = TEMP-2099-0001
expect_exit 0 "--ignore-unfixed" V scan "$IMG" -f json --ignore-unfixed
same "--ignore-unfixed drops exactly the findings without a fix" <(awk -F'\t' '$4 != ""' "$T/want") <(rows "$T/out")
expect_exit 0 "--ignore-unfixed --threshold Negligible --severity negligible: nothing left" \
  V scan "$IMG" -f json --ignore-unfixed --threshold Negligible --severity negligible

# ---- the layer cache reads no layer data ----
check "the first scans stored the 3 layers" test "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM layer_entries')" -eq 3
python3 "$HERE/tools/blank_layers.py" "$IMG" "$T/blank.tar" >/dev/null || not_ok "blank_layers.py"
expect_exit 0 "a copy with zeroed layer blobs scans from the cache" V scan "$T/blank.tar" -f json
same "  ... with the same findings" "$T/want" <(rows "$T/out")
expect_exit 3 "the same copy with --no-cache: its layers are read and refused" V scan "$T/blank.tar" -f json --no-cache
check "  ... naming the digest mismatch" grep -q "digest mismatch" "$T/err"
expect_exit 0 "--no-cache on the real image" V scan "$IMG" -f json --no-cache
same "  ... same findings" "$T/want" <(rows "$T/out")

# ---- Trivy's Metadata, from the archives' own bytes ----
meta() { jq -S '{ImageID: .Metadata.ImageID, DiffIDs: .Metadata.DiffIDs, RepoTags: .Metadata.RepoTags}' "$@"; }
ZST="$IMAGES/debian-bookworm-openssl/debian-bookworm-openssl.docker.tar.zst"
for img in "$IMG" "$ZST"; do
  name=$(basename "$img")
  python3 "$HERE/tools/image_meta.py" "$img" | jq -S . >"$T/meta.want" || not_ok "image_meta.py $name"
  expect_exit 0 "scan $name" V scan "$img" -f json -o "$T/meta.json"
  same "  ... Metadata ImageID, DiffIDs, RepoTags as hashed from $name" "$T/meta.want" <(meta "$T/meta.json")
  check "  ... ArtifactType container_image" test "$(jq -r .ArtifactType "$T/meta.json")" = container_image
done
check "the docker-save RepoTags are manifest.json's" test "$(jq -c .RepoTags "$T/meta.want")" = '["debian-bookworm-openssl:latest"]'
check "the ImageID is the config digest the README gives" \
  test "$(jq -r .ImageID "$T/meta.want")" = sha256:9a8aa3662937a79002f8cabe10b9b5b9207f56d9609dd380891b37eeb1aef8b9
expect_exit 0 "scan a rootfs" V scan "$IMAGES/fixtures/debian/bookworm" -f json -o "$T/meta.json"
check "  ... ArtifactType filesystem" test "$(jq -r .ArtifactType "$T/meta.json")" = filesystem
check "  ... no ImageID, DiffIDs or RepoTags" test "$(meta -c "$T/meta.json")" = '{"DiffIDs":null,"ImageID":null,"RepoTags":null}'
finish
