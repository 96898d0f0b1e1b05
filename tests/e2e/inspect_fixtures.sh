#!/usr/bin/env bash
# vigil inspect on every package-database fixture of ../shared/images/fixtures:
# the exact package lists of their packages.txt (root filesystem directories
# and real Alpine images), and the namespace each one names.
. "$(dirname "$0")/lib/common.sh"
F="$IMAGES/fixtures"

inspect_json() { "$VIGIL_BIN" inspect --format json "$1" >"$T/out.json" 2>"$T/err"; }
fields() { jq -r ".Packages[] | $1" "$T/out.json" | LC_ALL=C sort; }

# dpkg trees: packages.txt is `Package Version SourcePackage SourceVersion`.
for dir in bookworm bullseye; do
  if inspect_json "$F/debian/$dir"; then
    fields '"\(.Name) \(.Version) \(.SourceName) \(.SourceVersion)"' >"$T/actual"
    LC_ALL=C sort "$F/debian/$dir/packages.txt" >"$T/expected"
    same "debian/$dir: packages" "$T/expected" "$T/actual"
    check "debian/$dir: one rootfs layer, null layer ids" \
      test "$(jq -c '[.Layers[], ([.Packages[].Layer] | unique)]' "$T/out.json")" = \
      '[{"DiffID":null,"Digest":null},[null]]'
  else not_ok "debian/$dir: $(cat "$T/err")"; fi
done
inspect_json "$F/debian/bookworm" && check "debian/bookworm: debian:12" \
  test "$(jq -r .Namespace "$T/out.json")" = debian:12
inspect_json "$F/debian/bullseye" && check "debian/bullseye: debian:11" \
  test "$(jq -r .Namespace "$T/out.json")" = debian:11

# distroless status.d: one stanza per file, no Status: line, .md5sums beside it.
if inspect_json "$F/debian/distroless-syft"; then
  check "distroless status.d: libsqlite3-0 only" test "$(fields '"\(.Name) \(.Version) \(.SourceName)"')" = \
    "libsqlite3-0 3.34.1-3 sqlite3"
else not_ok "distroless: $(cat "$T/err")"; fi

# status.d edge cases: deinstalled packages and stanzas without a version are not reported.
if inspect_json "$F/debian/status-edge-cases-syft"; then
  check "status.d edge cases: the installed kernel is listed" \
    test "$(jq '[.Packages[] | select(.Name == "linux-image-6.14.0-1012-aws")] | length' "$T/out.json")" = 1
  check "status.d edge cases: the deinstalled kernel is not" \
    test "$(jq '[.Packages[] | select(.Name == "linux-image-6.8.0-1029-aws")] | length' "$T/out.json")" = 0
  check "status.d edge cases: every package has a version" \
    test "$(jq '[.Packages[] | select(.Version == "")] | length' "$T/out.json")" = 0
else not_ok "status.d edge cases: $(cat "$T/err")"; fi

# apk trees and images: packages.txt is `name version origin`.
for v in 3.9 3.10 3.11; do
  LC_ALL=C sort "$F/alpine/$v/packages.txt" >"$T/expected"
  if inspect_json "$F/alpine/$v"; then
    fields '"\(.Name) \(.Version) \(.SourceName)"' >"$T/actual"
    same "alpine/$v tree: packages" "$T/expected" "$T/actual"
    check "alpine/$v tree: namespace alpine:v$v" test "$(jq -r .Namespace "$T/out.json")" = "alpine:v$v"
  else not_ok "alpine/$v: $(cat "$T/err")"; fi
done
TI="$F/alpine/trivy-integration/testdata/fixtures/images"
for pair in "3.9:$TI/alpine-39.tar.gz" "3.10:$TI/alpine-310.tar.gz" "3.11:$F/alpine/fanal/alpine-311.tar.gz"; do
  v=${pair%%:*} img=${pair#*:}
  LC_ALL=C sort "$F/alpine/$v/packages.txt" >"$T/expected"
  if inspect_json "$img"; then
    fields '"\(.Name) \(.Version) \(.SourceName)"' >"$T/actual"
    same "$(basename "$img"): packages" "$T/expected" "$T/actual"
    check "$(basename "$img"): alpine:v$v, apk, one layer" test \
      "$(jq -c '[.Namespace, ([.Packages[].Format] | unique), (.Layers | length)]' "$T/out.json")" = \
      "[\"alpine:v$v\",[\"apk\"],1]"
  else not_ok "$(basename "$img"): $(cat "$T/err")"; fi
done

# rpm trees (sqlite, Berkeley DB, ndb): packages.txt is `NAME EPOCH:V-R ARCH SOURCERPM`;
# vigil shows EPOCH: only when non-zero and splits SOURCERPM into name and version.
for dir in amazonlinux2023 amazonlinux2023-bdb sles15-bci rhel8-libuuid centos-grype; do
  # a package without a source rpm (gpg-pubkey: "(none)") is its own source
  awk '{ v = $2; sub(/^0:/, "", v); s = $4
         if (s == "(none)") { print $1, v, $1, v; next }
         sub(/\.(no)?src\.rpm$/, "", s)
         n = split(s, a, "-"); sn = a[1]; for (i = 2; i <= n - 2; i++) sn = sn "-" a[i]
         print $1, v, sn, a[n - 1] "-" a[n] }' "$F/rpm/$dir/packages.txt" | LC_ALL=C sort >"$T/expected"
  if inspect_json "$F/rpm/$dir"; then
    fields '"\(.Name) \(.Version) \(.SourceName) \(.SourceVersion)"' >"$T/actual"
    same "rpm/$dir: packages" "$T/expected" "$T/actual"
  else not_ok "rpm/$dir: $(cat "$T/err")"; fi
done
inspect_json "$F/rpm/centos-grype" && check "rpm/centos-grype: centos:8" \
  test "$(jq -r .Namespace "$T/out.json")" = centos:8
finish
