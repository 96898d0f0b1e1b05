#!/bin/bash
# vigil serve on bad input: each request gets the right status and a clear
# message, and the server keeps answering other requests meanwhile (a slow
# layer download does not hold anything up). Local layer paths stay refused
# here (the default); layers come over HTTP or in the request body.
. "$(dirname "$0")/lib/common.sh"
WIRE="$VIGIL_SHARED/spec/clair-wire"
[ -d "$WIRE/layers" ] || { not_ok "missing $WIRE/layers"; finish; exit 1; }
require_tools python3 curl

cat >"$T/config.yaml" <<YAML
clair:
  database: {type: sqlite, options: {source: "$T/store.db"}}
  api: {port: 0, healthport: 0, timeout: 10s, bind: 127.0.0.1}
  updater: {interval: 0}
YAML

# A helper HTTP server: /slow accepts and never answers; anything else is a
# file from $T/files.
mkdir -p "$T/files"
cp "$WIRE/layers/debian12-dpkg.tar" "$WIRE/layers/garbage.bin" "$T/files/"
cat >"$T/helper.py" <<'PY'
import http.server, os, sys, time, socketserver
os.chdir(sys.argv[1])
class H(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/slow"):
            time.sleep(30)
            return
        return super().do_GET()
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$T/helper.py" "$T/files" >"$T/helper.port" 2>/dev/null &
HPID=$!
"$VIGIL_BIN" serve --config "$T/config.yaml" >"$T/server.log" 2>&1 &
PID=$!
trap 'kill $PID $HPID 2>/dev/null; wait $PID $HPID 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do grep -q '"Event":"listening"' "$T/server.log" && [ -s "$T/helper.port" ] && break; sleep 0.1; done
API=$(head -1 "$T/server.log" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p')
HELPER=$(cat "$T/helper.port")
[ -n "$API" ] || { not_ok "server did not start"; cat "$T/server.log"; finish; exit 1; }
U="http://127.0.0.1:$API"

# post NAME STATUS MESSAGE_SUBSTRING BODY [curl args]: POST /v1/layers
post() {
  local name=$1 want=$2 msg=$3 body=$4 got; shift 4
  got=$(curl -s -o "$T/resp" -w '%{http_code}' -X POST "$U/v1/layers" --data-binary "$body" "$@")
  if [ "$got" = "$want" ] && grep -qF -- "$msg" "$T/resp"; then ok "$name ($got)"; else
    not_ok "$name: got $got $(head -c 300 "$T/resp"), want $want '$msg'"; fi
}
layer() { printf '{"Layer":{"Name":"%s","Path":"%s","Format":"%s"%s}}' "$1" "$2" "${3:-Docker}" "${4:-}"; }

# A slow layer download runs in the background the whole time.
curl -s -o "$T/slow" -w '%{http_code}' -X POST "$U/v1/layers" \
  --data-binary "$(layer slow "http://127.0.0.1:$HELPER/slow.tar")" >"$T/slow.code" &
CPID=$!
sleep 0.3

post "malformed JSON" 400 "unexpected EOF" '{"Layer":{"Name":'
post "not JSON" 400 "invalid character 'h' looking for beginning of value" 'hello'
post "wrong JSON type" 400 "cannot unmarshal number" '{"Layer":{"Name":5}}'
python3 -c 'import sys; sys.stdout.write("{\"Layer\":{\"Name\":\"big\",\"Pad\":\"" + "x"*1100000 + "\"}}")' >"$T/big.json"
post "body over 1 MiB" 413 "larger than the limit" "@$T/big.json"
post "local path refused by default" 400 "allowlocalpath: true" "$(layer loc "$WIRE/layers/empty.tar")"
post "connection refused names the host" 400 "127.0.0.1:1/x.tar: Failed to connect to 127.0.0.1 port 1" \
  "$(layer refused http://127.0.0.1:1/x.tar)"
post "HTTP 404 names the URL and status" 400 "/nope.tar: HTTP 404" \
  "$(layer h404 "http://127.0.0.1:$HELPER/nope.tar")"
post "wrong Format" 400 "unsupported image format 'Foo'" \
  "$(layer badfmt "http://127.0.0.1:$HELPER/debian12-dpkg.tar" Foo)"
post "unknown parent" 400 "parent layer is unknown" \
  "$(layer orphan "http://127.0.0.1:$HELPER/debian12-dpkg.tar" Docker ',"ParentName":"nope"')"
post "garbage archive" 422 "could not extract the archive" \
  "$(layer garbage "http://127.0.0.1:$HELPER/garbage.bin")"

# the server kept answering while the slow download was pending
got=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$U/v1/namespaces")
case "$got" in 200\ 0.[0-4]*) ok "answers while a layer download hangs ($got)";;
  *) not_ok "namespaces while slow: $got";; esac
check "the slow download is still pending" kill -0 $CPID 2>/dev/null

# hostile tar: an entry climbing out of the root, a status file that is a
# symlink to the host's /etc/shadow, an absolute symlink for os-release
python3 - "$T/files/hostile.tar" <<'PY'
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
def add(name, data=b"", **kw):
    i = tarfile.TarInfo(name); i.size = len(data)
    for k, v in kw.items(): setattr(i, k, v)
    t.addfile(i, io.BytesIO(data))
add("../../../../tmp/vigil-escape", b"x")
add("etc/os-release", type=tarfile.SYMTYPE, linkname="/etc/os-release")
add("var/lib/dpkg/status", type=tarfile.SYMTYPE, linkname="../../../../../../etc/shadow")
t.close()
PY
got=$(curl -s -o "$T/resp" -w '%{http_code}' -X POST "$U/v1/layers" \
  --data-binary "$(layer hostile "http://127.0.0.1:$HELPER/hostile.tar")")
case "$got" in 201|422) ok "hostile tar: refused or read safely ($got $(head -c 100 "$T/resp"))";;
  *) not_ok "hostile tar: $got $(cat "$T/resp")";; esac
got=$(curl -s "$U/v1/layers/hostile?features")
if echo "$got" | grep -q '"Features"'; then not_ok "hostile tar: read something outside the layer: $got"
else ok "hostile tar: nothing outside the layer was read"; fi
check "hostile tar: nothing written outside" [ ! -e /tmp/vigil-escape ]

# decompression bomb: 300 MiB of zeros as one wanted file, gzip'd
python3 - "$T/files/bomb.tar.gz" <<'PY'
import gzip, sys, tarfile
class Zero:
    def __init__(self, n): self.n = n
    def read(self, k=-1):
        k = self.n if k < 0 else min(k, self.n); self.n -= k; return b"\0" * k
with gzip.open(sys.argv[1], "wb", compresslevel=9) as g:
    t = tarfile.open(fileobj=g, mode="w")
    i = tarfile.TarInfo("var/lib/dpkg/status"); i.size = 300 << 20
    t.addfile(i, Zero(i.size)); t.close()
PY
post "decompression bomb refused" 422 "could not extract" \
  "$(layer bomb "http://127.0.0.1:$HELPER/bomb.tar.gz")"

wait $CPID
code=$(cat "$T/slow.code")
if [ "$code" = 400 ] && grep -q "timed out" "$T/slow"; then ok "slow layer URL: 400 after api.timeout"
else not_ok "slow layer URL: $code $(cat "$T/slow")"; fi

# vigil's extension: the layer bytes in the request body
got=$(curl -s -o "$T/resp" -w '%{http_code}' -X POST "$U/v1/layers?name=inbody" \
  -H 'Content-Type: application/x-tar' --data-binary "@$WIRE/layers/debian12-dpkg.tar")
check "layer in the request body: 201" [ "$got" = 201 ]
n=$(curl -s "$U/v1/layers/inbody?features" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Layer"]["Features"]))')
check "layer in the request body: 435 features ($n)" [ "$n" = 435 ]
got=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$U/v1/layers" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$WIRE/layers/garbage.bin")
check "layer in the body without ?name: 400" [ "$got" = 400 ]

kill -TERM $PID; wait $PID; RC=$?
check "SIGTERM stops the server cleanly (exit $RC)" [ $RC -eq 0 ]
trap 'kill $HPID 2>/dev/null; rm -rf "$T"' EXIT
finish
