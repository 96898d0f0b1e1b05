#!/usr/bin/env bash
# Performance figures of `vigil serve` (not a test): POST /v1/layers of a new
# layer (the wire harness's Debian 12 dpkg status: 829 packages, 435 features)
# and GET ?features&vulnerabilities, median latency over fresh connections;
# then, when wrk is installed, throughput and latency at 1/16/64 connections
# (DURATION seconds each, default 10; the issue's figure uses 60) and the
# server's RSS before, during (sampled) and after. DB=pg runs the server on a throwaway
# PostgreSQL (tests/e2e/lib/pg.sh, as the pg tests do) instead of SQLite.
# The store first gets the Debian tracker JSON exports of ../shared/vulndata
# (they state bookworm), so a GET looks every feature up as it would in use;
# FEED=none leaves the store without feed data. The "computed" GET figure is
# each layer's first GET after a vulnerability write; later GETs of a layer
# are answered from the response cache while the data generation holds, and
# CACHE=0 (MiB, clair.api.responsecache) turns that off to measure computing
# every answer under wrk too.
#   usage: [DB=sqlite|pg] [DURATION=s] [FEED=none] [CACHE=MiB] bench/serve.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
DURATION=${DURATION:-10}
DB=${DB:-sqlite}
WIRE="$SHARED/spec/clair-wire"
TMP=$(mktemp -d)
cleanup_db() { :; }
if [ "$DB" = pg ]; then
  . "$(dirname "$0")/../tests/e2e/lib/pg.sh"
  vigil_pg_start || { echo "bench: cannot start PostgreSQL" >&2; rm -rf "$TMP"; exit 1; }
  cleanup_db() { vigil_pg_stop; }
  DATABASE="{type: pgsql, options: {source: \"$VIGIL_PG_DSN\"}}"
  DSN=$VIGIL_PG_DSN
else
  DATABASE="{type: sqlite, options: {source: \"$TMP/store.db\"}}"
  DSN=$TMP/store.db
fi
echo "database: $DB"
if [ "${FEED:-debian}" != none ]; then
  S="$SHARED/vulndata/debian/samples"
  "$VIGIL" --db "$DSN" --quiet db import --feed debian "$S/vunnel/debian.json" \
    "$S/clair-v2/fetcher_debian_test.json" "$S/vuls-data-update/tracker-api/advisory.json"
  echo "feed: the Debian tracker JSON exports ($("$VIGIL" --db "$DSN" db status --format json |
    python3 -c 'import json,sys; print(sum(f["Records"] for f in json.load(sys.stdin)["Feeds"]))') records)"
fi
CACHE_KEY=${CACHE:+, responsecache: $CACHE}
[ -n "${CACHE:-}" ] && echo "response cache: $CACHE MiB"
cat >"$TMP/config.yaml" <<YAML
clair:
  database: $DATABASE
  api: {port: 0, healthport: 0, bind: 127.0.0.1, allowlocalpath: true$CACHE_KEY}
  updater: {interval: 0}
YAML
"$VIGIL" serve --config "$TMP/config.yaml" >"$TMP/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; cleanup_db; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do grep -q listening "$TMP/log" && break; sleep 0.1; done
API=$(head -1 "$TMP/log" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p')
rss() { awk '/VmRSS/ {print int($2/1024) " MiB"}' "/proc/$PID/status"; }
# run_wrk ARGS...: wrk with the server's RSS every DURATION/6 s meanwhile (flat memory?)
run_wrk() {
  local samples="" step=$(( DURATION >= 6 ? DURATION / 6 : 1 )) w
  wrk "$@" >"$TMP/wrk.out" &
  w=$!
  while kill -0 "$w" 2>/dev/null; do sleep "$step"; samples+=" $(rss | cut -d' ' -f1)"; done
  wait "$w"
  grep -E "50%|99%|Requests/sec|Non-2xx|errors" "$TMP/wrk.out" || true
  echo "    server RSS (MiB) during the run:$samples"
}

python3 - "$API" "$WIRE/layers/debian12-dpkg.tar" <<'PY'
import json, socket, statistics, sys, time
port, layer = int(sys.argv[1]), sys.argv[2]
def req(method, path, body=b"", ctype="application/json", extra=""):
    head = "%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n%sConnection: close\r\n\r\n" % (method, path, ctype, len(body), extra)
    t = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port)); s.sendall(head.encode() + body)
    data = b""
    while True:
        d = s.recv(1 << 16)
        if not d: break
        data += d
    s.close()
    return int(data.split(b" ", 2)[1]), (time.perf_counter() - t) * 1000
post = []
for i in range(50):
    b = json.dumps({"Layer": {"Name": "b%d" % i, "Path": layer, "Format": "Docker"}}).encode()
    st, ms = req("POST", "/v1/layers", b); assert st == 201, st; post.append(ms)
body = open(layer, "rb").read()
upl = [req("POST", "/v1/layers?name=u%d" % i, body, "application/x-tar") for i in range(20)]
assert all(st == 201 for st, _ in upl), upl
known = [req("POST", "/v1/layers", json.dumps({"Layer": {"Name": "b0", "Path": layer, "Format": "Docker"}}).encode())[1] for _ in range(50)]
req("POST", "/v1/namespaces/debian:12/vulnerabilities", json.dumps({"Vulnerability": {"Name": "CVE-B",
    "NamespaceName": "debian:12", "Severity": "High", "FixedIn": [{"Name": "openssl", "Version": "99", "VersionFormat": "dpkg"}]}}).encode())
# the vulnerability write raised the data generation: each layer's first GET computes its answer
cold = [req("GET", "/v1/layers/b%d?features&vulnerabilities" % i)[1] for i in range(1, 50)]
get = [req("GET", "/v1/layers/b0?features&vulnerabilities")[1] for _ in range(200)]
gz = [req("GET", "/v1/layers/b0?features&vulnerabilities", extra="Accept-Encoding: gzip\r\n")[1] for _ in range(200)]
print("POST new layer (local path, 435 features)   median %7.2f ms" % statistics.median(post))
print("POST new layer (bytes in the request body)  median %7.2f ms" % statistics.median([m for _, m in upl]))
print("POST known layer                            median %7.2f ms" % statistics.median(known))
print("GET ?features&vulnerabilities, computed     median %7.2f ms" % statistics.median(cold))
print("GET ?features&vulnerabilities (48 KB)       median %7.2f ms" % statistics.median(get))
print("the same, gzip (as Go clients ask)          median %7.2f ms" % statistics.median(gz))
PY
echo "server RSS after the latency runs: $(rss)"
if command -v wrk >/dev/null; then
  for c in 1 16 64; do
    echo "== wrk GET ?features&vulnerabilities, $c connections, ${DURATION}s"
    run_wrk -t "$((c < 4 ? c : 4))" -c "$c" -d "${DURATION}s" --latency \
      "http://127.0.0.1:$API/v1/layers/b0?features&vulnerabilities"
  done
  cat >"$TMP/post.lua" <<LUA
counter = 0
request = function()
  counter = counter + 1
  local body = '{"Layer":{"Name":"w' .. math.random(1, 1e9) .. '-' .. counter .. '","Path":"$WIRE/layers/debian12-dpkg.tar","Format":"Docker"}}'
  return wrk.format("POST", "/v1/layers", {["Content-Type"] = "application/json"}, body)
end
LUA
  for c in 1 16 64; do
    echo "== wrk POST new layers, $c connections, ${DURATION}s"
    run_wrk -t "$((c < 4 ? c : 4))" -c "$c" -d "${DURATION}s" --latency -s "$TMP/post.lua" \
      "http://127.0.0.1:$API"
  done
  echo "server RSS after wrk: $(rss)"
else
  echo "(wrk not installed: apt-get install wrk for the 1/16/64-connection figures)"
fi
