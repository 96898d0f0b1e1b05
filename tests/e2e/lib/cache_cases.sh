# The response cache of `vigil serve` (src/server/resp_cache.c) against every
# write that can change a layer's answer, made by another process (sourced by
# serve_cache.sh and serve_cache_pg.sh after common.sh, with DATABASE set to
# the config's `database:` value and DSN to the same store for `vigil --db`).
#
# Three instances share the store: A keeps answers (the default), B makes the
# writes, C keeps none (clair.api.responsecache: 0) and so computes every
# answer. After each write, A's GET ?features&vulnerabilities must show the
# change and equal C's answer, and A's next three GETs (plain, then gzip
# twice) must be cache hits with the same body: its miss counter (/metrics)
# rises by exactly one and its hit counter by three. Sourced after serve.sh.
LAYER="$VIGIL_SHARED/spec/clair-wire/layers/debian12-dpkg.tar"
ALP="$VIGIL_SHARED/vulndata/alpine/secdb-json/v3.10"
require_files "$LAYER" "$ALP"
require_tools python3 curl
alpine310_layer
ALAYER=$ALPINE_LAYER

PIDS=""
trap 'kill $PIDS 2>/dev/null; wait $PIDS 2>/dev/null; cache_cleanup' EXIT
for i in a b c; do # one at a time: the first applies the migrations
  serve_yaml "$DATABASE" "$([ $i = c ] && echo ", responsecache: 0")" >"$T/$i.yaml"
  serve_launch "$T/$i.yaml" "$T/$i.log"
  PIDS="$PIDS $LAUNCHED"
done
A=$(serve_port "$T/a.log") B=$(serve_port "$T/b.log") C=$(serve_port "$T/c.log")
ok "three instances on one store (A :$A keeps answers, B :$B writes, C :$C keeps none)"

# req PORT METHOD PATH [BODY]: the status code; the body in $T/body
req() {
  curl -s -o "$T/body" -w '%{http_code}' -X "$2" -H 'Content-Type: application/json' \
    ${4:+--data "$4"} "http://127.0.0.1:$1/v1$3"
}
reqz() { curl -s --compressed -D "$T/hdr" -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$1/v1$2"; }
counter() { curl -s "http://127.0.0.1:$A/metrics" | sed -n "s/^vigil_response_cache_requests_total{result=\"$1\"} //p"; }
# vulns FILE: "feature vulnerability severity fixedby" lines of a GET answer, sorted
vulns() {
  python3 -c '
import json, sys
layer = json.load(open(sys.argv[1]))["Layer"]
for f in layer.get("Features") or []:
    for v in f.get("Vulnerabilities") or []:
        print(f["Name"], v["Name"], v.get("Severity", ""), v.get("FixedBy", ""))' "$1" | sort
}
HITS=0 MISSES=0
# step WHAT [LAYER]: A's GET (computed) equals C's; A's second GET is a hit with the same
# body, and so are its third and fourth, asking for gzip
step() {
  local q="/layers/${2:-L}?features&vulnerabilities"
  check "$1: A answers" [ "$(req "$A" GET "$q")" = 200 ]
  cp "$T/body" "$T/a1"
  check "$1: A's second GET" [ "$(req "$A" GET "$q")" = 200 ]
  cp "$T/body" "$T/a2"
  check "$1: C answers" [ "$(req "$C" GET "$q")" = 200 ]
  cp "$T/body" "$T/c"
  same "$1: A's answer is C's (computed)" "$T/c" "$T/a1"
  same "$1: A's kept answer is the same" "$T/c" "$T/a2"
  # as Go clients ask: gzip, compressed once from the kept answer, then kept compressed
  for i in 3 4; do
    check "$1: A's GET $i, gzip" [ "$(reqz "$A" "$q")" = 200 ]
    check "$1: A's GET $i is gzip-encoded" grep -qi '^content-encoding: gzip' "$T/hdr"
    cp "$T/body" "$T/a$i"
    same "$1: A's GET $i decompressed is C's answer" "$T/c" "$T/a$i"
  done
  HITS=$((HITS + 3)) MISSES=$((MISSES + 1))
  check "$1: one miss, then three hits ($MISSES/$HITS)" [ "$(counter miss)/$(counter hit)" = "$MISSES/$HITS" ]
  vulns "$T/a2" >"$T/v"
}
vuln() { echo "{\"Vulnerability\":{\"Name\":\"$1\",\"NamespaceName\":\"debian:12\",\"Severity\":\"$2\",\"FixedIn\":[{\"Name\":\"openssl\",\"Version\":\"99.0\",\"VersionFormat\":\"dpkg\"}]}}"; }

check "B stores layer L (Debian 12)" [ "$(req "$B" POST /layers "{\"Layer\":{\"Name\":\"L\",\"Path\":\"$LAYER\",\"Format\":\"Docker\"}}")" = 201 ]
check "B stores layer K (Alpine 3.10)" [ "$(req "$B" POST /layers "{\"Layer\":{\"Name\":\"K\",\"Path\":\"$ALAYER\",\"Format\":\"Docker\"}}")" = 201 ]
step "no vulnerability data"
check "no vulnerability yet" [ ! -s "$T/v" ]
check "B writes CVE-CACHE-1 on openssl" [ "$(req "$B" POST /namespaces/debian:12/vulnerabilities "$(vuln CVE-CACHE-1 High)")" = 201 ]
step "after a vulnerability POST"
check "A shows CVE-CACHE-1 (High)" grep -qx "openssl CVE-CACHE-1 High 99.0" "$T/v"
check "B stores a second layer (no change to L's answer)" [ "$(req "$B" POST /layers "{\"Layer\":{\"Name\":\"M\",\"Path\":\"$LAYER\",\"Format\":\"Docker\"}}")" = 201 ]
still_hit() {
  [ "$(req "$A" GET '/layers/L?features&vulnerabilities')" = 200 ] &&
    [ "$(counter hit)" = $((HITS + 1)) ] && cmp -s "$T/body" "$T/a2"
}
check "A's next GET is still a hit" still_hit
HITS=$((HITS + 1))
check "B updates its severity (PUT)" [ "$(req "$B" PUT /namespaces/debian:12/vulnerabilities/CVE-CACHE-1 '{"Vulnerability":{"Name":"CVE-CACHE-1","NamespaceName":"debian:12","Severity":"Low"}}')" = 200 ]
step "after a vulnerability PUT"
check "A shows CVE-CACHE-1 (Low)" grep -qx "openssl CVE-CACHE-1 Low 99.0" "$T/v"
check "B deletes its fix for openssl" [ "$(req "$B" DELETE /namespaces/debian:12/vulnerabilities/CVE-CACHE-1/fixes/openssl)" = 200 ]
step "after a fix DELETE"
check "A no longer shows CVE-CACHE-1" [ ! -s "$T/v" ]
check "B writes CVE-CACHE-2" [ "$(req "$B" POST /namespaces/debian:12/vulnerabilities "$(vuln CVE-CACHE-2 Medium)")" = 201 ]
step "after a second vulnerability POST"
check "A shows CVE-CACHE-2" grep -qx "openssl CVE-CACHE-2 Medium 99.0" "$T/v"
check "B deletes CVE-CACHE-2" [ "$(req "$B" DELETE /namespaces/debian:12/vulnerabilities/CVE-CACHE-2)" = 200 ]
step "after a vulnerability DELETE"
check "A shows nothing again" [ ! -s "$T/v" ]

step "Alpine layer K before its feed" K
check "no finding for K yet" [ ! -s "$T/v" ]
"$VIGIL_BIN" --db "$DSN" --quiet db import --feed alpine "$ALP"
check "vigil db imports Alpine 3.10 meanwhile" [ $? -eq 0 ]
step "after a feed import by another process" K
check "A shows the feed's findings for K" [ "$(wc -l <"$T/v")" -gt 0 ]
cp "$T/a2" "$T/k"

check "B stores layer Z (Debian 12), the newest row" [ "$(req "$B" POST /layers "{\"Layer\":{\"Name\":\"Z\",\"Path\":\"$LAYER\",\"Format\":\"Docker\"}}")" = 201 ]
step "layer Z" Z
check "B deletes layer Z" [ "$(req "$B" DELETE /layers/Z)" = 200 ]
check "A: Z is gone (404)" [ "$(req "$A" GET '/layers/Z?features&vulnerabilities')" = 404 ]
check "B stores another Z (Alpine 3.10; SQLite gives it the same row id)" [ "$(req "$B" POST /layers "{\"Layer\":{\"Name\":\"Z\",\"Path\":\"$ALAYER\",\"Format\":\"Docker\"}}")" = 201 ]
step "a new layer under the old name" Z
check "A shows Alpine features now" grep -q '"NamespaceName":"alpine:v3.10"' "$T/a2"
check "and K's findings" [ "$(vulns "$T/k")" = "$(cat "$T/v")" ]
features_apart() {
  [ "$(req "$A" GET "/layers/Z?features")" = 200 ] && ! grep -q '"Vulnerabilities"' "$T/body" &&
    [ "$(counter miss)" = $((MISSES + 1)) ]
}
check "A's ?features alone is kept apart (a miss)" features_apart
metric() { curl -s "http://127.0.0.1:$1/metrics" | grep -qx "$2"; }
check "C kept nothing" metric "$C" 'vigil_response_cache_requests_total{result="hit"} 0'
check "C kept no bytes" metric "$C" 'vigil_response_cache_bytes 0'
for i in A B C; do check "no database error on $i" metric "${!i}" 'vigil_db_errors_total 0'; done
if [ "$FAIL" -gt 0 ]; then
  for i in a b c; do echo "    --- $i.log"; grep -v '"request"' "$T/$i.log" | cut -c1-200 | sed 's/^/    /'; done
fi
