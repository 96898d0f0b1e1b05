#!/usr/bin/env bash
# vigil scan's command line: exit codes (0 clean, 1 / --exit-code N with
# --threshold / --fail-on, 2 usage, 3 bad image or input file, 4 no database or
# no data for the image's namespace, with the message naming the namespace, the
# feeds held and the command that fixes it), --severity, --ignore-unfixed,
# --whitelist (clair-scanner YAML), --ignorefile / ./.vigilignore / ./.trivyignore
# with exp: dates, -o FILE, the no-OS warning, and the layer cache (stored by
# diff_id; --no-cache writes nothing).
. "$(dirname "$0")/lib/common.sh"
SECDB="$VIGIL_SHARED/vulndata/alpine/secdb-json"
IMG="$IMAGES/fixtures/alpine/trivy-integration/testdata/fixtures/images/alpine-310.tar.gz"
IMG39="$IMAGES/fixtures/alpine/trivy-integration/testdata/fixtures/images/alpine-39.tar.gz"
DEB="$IMAGES/debian-bookworm-openssl/debian-bookworm-openssl.oci.tar"
require_files "$SECDB/v3.10" "$IMG" "$IMG39" "$DEB"
DB="$T/vigil.db"
V() { "$VIGIL_BIN" --db "$DB" "$@"; }
ids() { jq -r '[.Results[]?.Vulnerabilities[]?.VulnerabilityID] | unique | .[]' "$@"; }
count() { jq '[.Results[]?.Vulnerabilities[]?] | length' "$@"; }

expect_exit 0 "import the v3.10 secdb only" V db import "$SECDB/v3.10"

# ---- findings, and the exit code they give ----
expect_exit 0 "scan: findings, no threshold: exit 0" V scan "$IMG" -f json
cp "$T/out" "$T/all.json"
N=$(count "$T/all.json")
check "scan found vulnerabilities ($N)" test "$N" -gt 0
check "the summary line on stderr counts them" grep -q "alpine:v3.10): $N vulnerabilities" "$T/err"
expect_exit 1 "--threshold Unknown: exit 1" V scan "$IMG" -f json --threshold Unknown
expect_exit 1 "-t unknown (case-insensitive): exit 1" V scan "$IMG" -f json -t unknown
expect_exit 0 "--threshold Low: every finding is Unknown, below it: exit 0" V scan "$IMG" -f json --threshold Low
expect_exit 0 "--fail-on high: exit 0" V scan "$IMG" -f json --fail-on high
expect_exit 1 "--fail-on unknown: exit 1" V scan "$IMG" -f json --fail-on UNKNOWN
expect_exit 7 "--exit-code 7 without a threshold: any finding" V scan "$IMG" -f json --exit-code 7
expect_exit 9 "--exit-code 9 --threshold Unknown" V scan "$IMG" -f json --exit-code 9 --threshold Unknown
expect_exit 0 "--exit-code 9 --threshold Critical: none at or above" V scan "$IMG" -f json --exit-code 9 --threshold Critical

# ---- filters ----
expect_exit 0 "--severity HIGH,CRITICAL with --exit-code 3: nothing left, exit 0" \
  V scan "$IMG" -f json --severity HIGH,CRITICAL --exit-code 3
check "--severity HIGH,CRITICAL leaves no finding (all are Unknown)" test "$(count "$T/out")" -eq 0
expect_exit 0 "--severity unknown,low keeps them" V scan "$IMG" -f json --severity unknown,low
check "--severity UNKNOWN keeps all $N" test "$(count "$T/out")" -eq "$N"
expect_exit 0 "--ignore-unfixed" V scan "$IMG" -f json --ignore-unfixed
check "--ignore-unfixed keeps the fixed ones (Alpine states only fixes)" test "$(count "$T/out")" -eq "$N"
check "every finding has a FixedVersion" test "$(jq '[.Results[].Vulnerabilities[] | select(.FixedVersion == null)] | length' "$T/out")" -eq 0

# ---- -o FILE ----
expect_exit 0 "-o FILE" V scan "$IMG" -f json -o "$T/report.json"
check "-o FILE: nothing on stdout" test ! -s "$T/out"
check "-o FILE: the report is in the file" test "$(count "$T/report.json")" -eq "$N"
expect_exit 3 "-o into a missing directory: exit 3" V scan "$IMG" -f json -o "$T/no/such/dir/r.json"

# ---- ignore files ----
mapfile -t ALL < <(ids "$T/all.json")
A=${ALL[0]} B=${ALL[1]} C=${ALL[2]}
cat >"$T/ignore" <<IGN
# comment line
$A
   $B exp:2000-01-01
$C exp:2999-12-31   # still ignored
IGN
expect_exit 0 "--ignorefile" V scan "$IMG" -f json --ignorefile "$T/ignore"
ids "$T/out" >"$T/left"
check "--ignorefile: $A (no date) is ignored" bash -c "! grep -qx '$A' '$T/left'"
check "--ignorefile: $B (expired 2000-01-01) is reported again" grep -qx "$B" "$T/left"
check "--ignorefile: $C (exp:2999-12-31) is ignored" bash -c "! grep -qx '$C' '$T/left'"
check "--ignorefile: the expired entry is mentioned" grep -q "1 expired entry" "$T/err"
mkdir -p "$T/cwd1" "$T/cwd2" "$T/cwd3"
printf '%s\n' "$A" >"$T/cwd1/.trivyignore"
printf '%s\n' "$A" >"$T/cwd2/.vigilignore"; printf '%s\n' "$B" >"$T/cwd2/.trivyignore"
(cd "$T/cwd1" && "$VIGIL_BIN" --db "$DB" scan "$IMG" -f json >"$T/c1.json" 2>/dev/null)
(cd "$T/cwd2" && "$VIGIL_BIN" --db "$DB" scan "$IMG" -f json >"$T/c2.json" 2>/dev/null)
(cd "$T/cwd3" && "$VIGIL_BIN" --db "$DB" scan "$IMG" -f json >"$T/c3.json" 2>/dev/null)
check "default ./.trivyignore is read" bash -c "! jq -r '.Results[].Vulnerabilities[].VulnerabilityID' '$T/c1.json' | grep -qx '$A'"
check "./.vigilignore wins over ./.trivyignore" bash -c "! jq -r '.Results[].Vulnerabilities[].VulnerabilityID' '$T/c2.json' | grep -qx '$A' && jq -r '.Results[].Vulnerabilities[].VulnerabilityID' '$T/c2.json' | grep -qx '$B'"
check "no ignore file in the directory: all $N" test "$(count "$T/c3.json")" -eq "$N"
printf '%s exp:2024-13-45\n' "$A" >"$T/badignore"
expect_exit 3 "an ignore file with a bad date: exit 3" V scan "$IMG" -f json --ignorefile "$T/badignore"
check "  ... naming the file and line" grep -q "badignore', line 1: bad expiry" "$T/err"
expect_exit 3 "a missing ignore file: exit 3" V scan "$IMG" -f json --ignorefile "$T/nonexistent"

# ---- clair-scanner whitelist ----
cat >"$T/wl.yaml" <<WL
generalwhitelist:
  $A: reason one
images:
  $IMG:
    $B: only for this image
  otherimage:
    $C: not this one
WL
expect_exit 0 "--whitelist" V scan "$IMG" -f json --whitelist "$T/wl.yaml"
ids "$T/out" >"$T/left"
check "whitelist: generalwhitelist entry dropped" bash -c "! grep -qx '$A' '$T/left'"
check "whitelist: this image's entry dropped" bash -c "! grep -qx '$B' '$T/left'"
check "whitelist: another image's entry kept" grep -qx "$C" "$T/left"
expect_exit 0 "whitelist with a docker-archive: prefix and images keyed by the path" \
  V scan "docker-archive:$IMG" -f json -w "$T/wl.yaml"
check "  ... the image's entry applies" bash -c "! jq -r '.Results[].Vulnerabilities[].VulnerabilityID' '$T/out' | grep -qx '$B'"
ALLC=$(printf 'GENERALWHITELIST:\n'; for i in "${ALL[@]}"; do printf '  %s: x\n' "$i"; done)
echo "$ALLC" >"$T/wl-all.yaml"
expect_exit 0 "whitelisting every ID (key case-insensitive): --threshold Unknown passes" \
  V scan "$IMG" -f json -w "$T/wl-all.yaml" --threshold Unknown
: >"$T/empty.yaml"
expect_exit 0 "an empty whitelist is valid" V scan "$IMG" -f json -w "$T/empty.yaml"
printf 'generalwhitelist: [unclosed\n' >"$T/bad.yaml"
expect_exit 3 "a malformed whitelist: exit 3" V scan "$IMG" -f json -w "$T/bad.yaml"
check "  ... naming the file" grep -q "bad.yaml" "$T/err"

# ---- usage ----
expect_exit 2 "no IMAGE" V scan
expect_exit 2 "unknown option" V scan "$IMG" --frobnicate
expect_exit 2 "unknown format" V scan "$IMG" --format xml
expect_exit 2 "bad threshold" V scan "$IMG" --threshold severe
expect_exit 2 "bad severity list" V scan "$IMG" --severity HIGH,bogus
expect_exit 2 "bad exit code" V scan "$IMG" --exit-code -1
expect_exit 2 "option without its value" V scan "$IMG" --threshold
expect_exit 2 "--server is refused clearly until it exists" V scan "$IMG" --server http://127.0.0.1:6060
check "  ... saying so" grep -q "not implemented yet" "$T/err"
expect_exit 0 "--help" V scan --help
check "--help lists --whitelist" grep -q -- "--whitelist" "$T/out"

# ---- bad image ----
expect_exit 3 "a missing image: exit 3" V scan "$T/nope.tar"
printf 'garbage' >"$T/garbage.tar"
expect_exit 3 "a garbage image: exit 3" V scan "$T/garbage.tar"
check "  ... one line naming it" grep -q "garbage.tar" "$T/err"

# ---- database problems: exit 4 ----
expect_exit 4 "no database at all: exit 4" "$VIGIL_BIN" --db "$T/none.db" scan "$IMG"
check "  ... says so and how to fix it" grep -q "no database at '$T/none.db'" "$T/err"
expect_exit 4 "alpine:v3.9 image, database with v3.10 only: exit 4" V scan "$IMG39" -f json
check "  ... names the namespace" grep -q "no data for namespace 'alpine:v3.9'" "$T/err"
check "  ... names the feeds it holds" grep -q "it holds: alpine (alpine:v3.10)" "$T/err"
check "  ... gives the command that fixes it" grep -q "vigil db update --feed alpine" "$T/err"
check "  ... prints no report" test ! -s "$T/out"
expect_exit 4 "a Debian image against Alpine data: exit 4" V scan "$DEB" -f json
check "  ... names debian:12 and the debian feed" grep -q "namespace 'debian:12'.*--feed debian" "$T/err"

# ---- no OS detected ----
mkdir -p "$T/rootfs/usr/bin" && echo hi >"$T/rootfs/usr/bin/hello"
expect_exit 0 "a rootfs without an OS: exit 0" V scan "rootfs:$T/rootfs" -f json
check "  ... warns that no OS was detected, naming the files looked for" \
  grep -q "no OS detected (looked for .*etc/os-release.*etc/alpine-release" "$T/err"
check "  ... and reports no finding" test "$(count "$T/out")" -eq 0

# ---- layer cache ----
NL=$("$VIGIL_BIN" inspect --format json "$DEB" | jq '[.Layers[].DiffID] | length')
DB="$T/cache.db"
expect_exit 0 "debian data-less DB for the cache test" V db import "$SECDB/v3.10"
expect_exit 4 "--no-cache scan of the Debian image (no data: exit 4 after reading it)" V scan "$DEB" --no-cache
check "--no-cache wrote nothing" test "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM layer_entries')" -eq 0
expect_exit 0 "scan alpine-310 with the cache" V --debug scan "$IMG" -f json
check "its layer is stored by diff_id" test "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM layer_entries')" -eq 1
check "  ... under the image's diff_id" test "$(sqlite3 "$DB" 'SELECT diff_id FROM layer_entries')" = \
  "$("$VIGIL_BIN" inspect --format json "$IMG" | jq -r '.Layers[0].DiffID')"
expect_exit 4 "scan the $NL-layer Debian image with the cache" V scan "$DEB"
check "all $NL of its layers are stored" test "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM layer_entries')" -eq $((NL + 1))
expect_exit 0 "scan alpine-310 again" V --debug scan "$IMG" -f json
check "  ... same findings" test "$(count "$T/out")" -eq "$N"
check "  ... a whole-file-compressed archive is read again, but not stored again" \
  grep -q "layer cache: 0 of 1 layers read from it, 0 stored" "$T/err"
expect_exit 4 "scan the Debian image (a plain OCI tar) again" V --debug scan "$DEB"
check "  ... all $NL layers come from the cache, none stored" \
  grep -q "layer cache: $NL of $NL layers read from it, 0 stored" "$T/err"
finish
