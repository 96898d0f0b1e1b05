#!/bin/bash
# vigil serve driven the way the Clair v1 clients drive Clair, on the real
# three-layer image ../shared/images/debian-bookworm-openssl (debootstrap;
# apt-get install openssl curl; apt-get purge curl):
#   clair-scanner: serves the layers over its own HTTP listener, POSTs each
#     with ParentName and Headers, GETs ?vulnerabilities on the top layer;
#   analyze-local-images: the same with local file paths (allowlocalpath);
#   clairctl: /health on the health port, DELETE of a layer.
# Vulnerabilities come from an imported feed (debian JSON) and from the API.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/serve.sh"
IMG="$VIGIL_SHARED/images/debian-bookworm-openssl"
require_files "$IMG/debian-bookworm-openssl.oci.tar"
require_tools python3 curl

mkdir -p "$T/oci"
tar -xf "$IMG/debian-bookworm-openssl.oci.tar" -C "$T/oci"
# the layer blobs, bottom first
python3 - "$T/oci" >"$T/layers" <<'PY'
import json, os, sys
d = sys.argv[1]
blob = lambda dg: os.path.join(d, "blobs", dg.replace(":", "/"))
idx = json.load(open(os.path.join(d, "index.json")))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
for l in man["layers"]:
    print(l["digest"].split(":")[1])
PY
check "three layers in the OCI image" [ "$(wc -l <"$T/layers")" -eq 3 ]
WANT=$(awk '{print $3" "$4}' "$IMG/debian-bookworm-openssl.dpkg.layer3.txt" | sort -u | wc -l)

# a feed: openssl open (High), zlib fixed long ago (must not match)
printf '%s' '{"openssl": {"CVE-FEED-1": {"description": "feed test", "releases": {"bookworm":
  {"status": "open", "urgency": "high"}}}}, "zlib": {"CVE-FEED-2": {"description": "old",
  "releases": {"bookworm": {"status": "resolved", "fixed_version": "1:1.0-1", "urgency": "low"}}}}}' \
  >"$T/feed.json"
"$VIGIL_BIN" --db "$T/store.db" db import --feed debian "$T/feed.json" >/dev/null
check "feed imported" [ $? -eq 0 ]

serve_config "$T/config.yaml" "$T/store.db"
"$VIGIL_BIN" serve --config "$T/config.yaml" >"$T/server.log" 2>&1 &
PID=$!
# clair-scanner's layer listener
(cd "$T/oci/blobs/sha256" && exec python3 -m http.server --bind 127.0.0.1 0) >"$T/http.log" 2>&1 &
HPID=$!
trap 'kill $PID $HPID 2>/dev/null; wait $PID $HPID 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do grep -q '"Event":"listening"' "$T/server.log" && grep -q "port" "$T/http.log" && break; sleep 0.1; done
LINE=$(head -1 "$T/server.log")
API=$(echo "$LINE" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p')
HEALTH=$(echo "$LINE" | sed -n 's/.*"health":"[^"]*:\([0-9]*\)".*/\1/p')
HP=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/http.log" | head -1)
U="http://127.0.0.1:$API"
[ -n "$API" ] && [ -n "$HP" ] || { not_ok "servers did not start"; cat "$T/server.log" "$T/http.log"; finish; exit 1; }

# post_chain PREFIX PATHKIND: POST the three layers, each with its parent
post_chain() {
  local prefix=$1 kind=$2 parent="" n=0 d path body code
  while read -r d; do
    n=$((n + 1))
    if [ "$kind" = http ]; then path="http://127.0.0.1:$HP/$d"; else path="$T/oci/blobs/sha256/$d"; fi
    body=$(printf '{"Layer":{"Name":"%s%s","Path":"%s","Headers":{"Authorization":"Basic dTpw"},"ParentName":"%s","Format":"Docker"}}' \
      "$prefix" "$d" "$path" "$parent")
    code=$(curl -s -o "$T/resp" -w '%{http_code}' -X POST "$U/v1/layers" --data-binary "$body")
    [ "$code" = 201 ] || { echo "    layer $n: $code $(cat "$T/resp")"; return 1; }
    parent="$prefix$d"
  done <"$T/layers"
}
TOP=$(tail -1 "$T/layers")
L1=$(head -1 "$T/layers")
L2=$(sed -n 2p "$T/layers")

check "clair-scanner: POST three layers over HTTP with ParentName (201)" post_chain "" http
curl -s -X POST "$U/v1/namespaces/debian:12/vulnerabilities" --data-binary \
  '{"Vulnerability":{"Name":"CVE-API-1","NamespaceName":"debian:12","Severity":"Medium","FixedIn":[{"Name":"openssl","Version":"99.0","VersionFormat":"dpkg"}]}}' >/dev/null
curl -s "$U/v1/layers/$TOP?vulnerabilities" >"$T/top.json"
python3 - "$T/top.json" "$WANT" "$L1" "$L2" "$IMG/debian-bookworm-openssl.dpkg.layer3.txt" >"$T/checks" <<'PY'
import json, sys
top = json.load(open(sys.argv[1]))["Layer"]
want, l1, l2 = int(sys.argv[2]), sys.argv[3], sys.argv[4]
srcs = set(tuple(l.split()[2:4]) for l in open(sys.argv[5]) if l.strip())
f = {x["Name"]: x for x in top.get("Features", [])}
def out(ok, msg): print(("ok" if ok else "FAIL") + " " + msg)
out(top.get("NamespaceName") == "debian:12", "top layer inherits debian:12 (%s)" % top.get("NamespaceName"))
out(len(f) == want, "top layer has %d source-package features (want %d)" % (len(f), want))
out(set((x["Name"], x["Version"]) for x in f.values()) == srcs,
    "features = the (source, source version) pairs of the top layer's packages")
out("curl" in f and f["curl"]["AddedBy"] == l2, "curl's source stays (libcurl4), added by the install layer")
o = f.get("openssl", {})
out(o.get("AddedBy") == l2, "openssl AddedBy the install layer")
out(f.get("base-files", {}).get("AddedBy") == l1, "base-files AddedBy the base layer")
v = {x["Name"]: x for x in o.get("Vulnerabilities", [])}
out(v.get("CVE-FEED-1", {}).get("Severity") == "High" and "FixedBy" not in v.get("CVE-FEED-1", {}),
    "feed record: openssl CVE-FEED-1 High, no fix")
out(v.get("CVE-API-1", {}).get("FixedBy") == "99.0", "API vulnerability: openssl CVE-API-1 FixedBy 99.0")
out(not f.get("zlib", {}).get("Vulnerabilities"), "zlib fixed long ago: no vulnerability")
PY
while read -r verdict msg; do if [ "$verdict" = ok ]; then ok "$msg"; else not_ok "$msg"; fi; done <"$T/checks"

check "analyze-local-images: POST the layers as local paths (201)" post_chain "local-" file
curl -s "$U/v1/layers/local-$TOP?vulnerabilities" >"$T/local.json"
same_features() {
  python3 -c 'import json,sys
a,b=[sorted((f["Name"],f["Version"],len(f.get("Vulnerabilities",[]))) for f in json.load(open(p))["Layer"]["Features"]) for p in sys.argv[1:]]
sys.exit(a!=b)' "$T/top.json" "$T/local.json"
}
check "local paths give the same features and vulnerabilities" same_features

code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HEALTH/health")
check "clairctl: /health on the health port answers 200" [ "$code" = 200 ]
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$U/v1/layers/local-$L1")
check "DELETE of the base layer (200)" [ "$code" = 200 ]
code=$(curl -s -o /dev/null -w '%{http_code}' "$U/v1/layers/local-$TOP")
check "its descendants are gone (404)" [ "$code" = 404 ]

kill -TERM $PID; wait $PID; RC=$?
check "SIGTERM stops the server cleanly (exit $RC)" [ $RC -eq 0 ]
trap 'kill $HPID 2>/dev/null; rm -rf "$T"' EXIT
finish
