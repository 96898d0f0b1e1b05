#!/usr/bin/env bash
# Two `vigil serve` instances sharing one throwaway PostgreSQL (lib/pg.sh), as
# a load-balanced deployment runs them: both answer the API over the same
# state; a vulnerability written through A that affects a layer stored through
# B makes one notification, which the webhook (a python3 http.server here)
# receives exactly once, from whichever instance holds the notifier lease
# (the receiver answers after 1 s, while the other instance polls 5 times);
# once that instance stops (giving the lease up) the other delivers the next.
# The feed update due at start is run by one of them (the updater lease): a
# local feed server that answers each request after 1 s with 404 sees one
# run, 7 requests (one per feed), and the other instance leaves it.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
LAYER="$VIGIL_SHARED/spec/clair-wire/layers/debian12-dpkg.tar"
[ -f "$LAYER" ] || { not_ok "missing $LAYER"; finish; exit 1; }
if ! vigil_pg_start; then not_ok "start a PostgreSQL cluster"; finish; exit 1; fi
ok "PostgreSQL cluster on 127.0.0.1:$VIGIL_PG_PORT"

WH=$(vigil_pg_free_port)
cat >"$T/hook.py" <<'PY'
import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(1) # a slow receiver: a second deliverer would poll meanwhile
        with open(sys.argv[2], "ab") as f:
            f.write(body + b"\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$T/hook.py" "$WH" "$T/hook.log" &
HOOK=$!
touch "$T/hook.log"
FEEDS=$(vigil_pg_free_port)
cat >"$T/feeds.py" <<'PY'
import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(1) # a slow upstream: the run lasts 7 s
        self.send_response(404); self.end_headers()
    def log_message(self, *a): sys.stderr.write("GET %s\n" % self.path)
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$T/feeds.py" "$FEEDS" 2>"$T/feeds.log" &
FEEDSRV=$!
# both receivers listen before the servers start (their first update is at once)
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 100); do listening "$WH" && listening "$FEEDS" && break; sleep 0.05; done
for f in ALPINE CSAF DEBIAN OSV OVAL UBUNTU UBUNTU_OVAL; do
  export "VIGIL_FEED_${f}_URL=http://127.0.0.1:$FEEDS/"
done
for i in a b; do
  cat >"$T/$i.yaml" <<YAML
clair:
  database: {type: pgsql, options: {source: "$VIGIL_PG_DSN"}}
  api: {port: 0, healthport: 0, bind: 127.0.0.1, allowlocalpath: true}
  updater: {interval: 1h}
  notifier: {attempts: 3, renotifyinterval: 2h, pollinterval: 200ms, http: {endpoint: "http://127.0.0.1:$WH/notify"}}
YAML
done
"$VIGIL_BIN" serve --config "$T/a.yaml" >"$T/a.log" 2>&1 &
PA=$!
"$VIGIL_BIN" serve --config "$T/b.yaml" >"$T/b.log" 2>&1 &
PB=$!
trap 'kill $PA $PB $HOOK $FEEDSRV 2>/dev/null; wait $PA $PB $HOOK $FEEDSRV 2>/dev/null; vigil_pg_stop; rm -rf "$T"' EXIT
for _ in $(seq 100); do
  grep -q '"Event":"listening"' "$T/a.log" && grep -q '"Event":"listening"' "$T/b.log" && break
  sleep 0.1
done
port() { head -1 "$1" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p'; }
A=$(port "$T/a.log")
B=$(port "$T/b.log")
[ -n "$A" ] && [ -n "$B" ] || { not_ok "both instances start"; cat "$T/a.log" "$T/b.log"; finish; exit 1; }
ok "both instances listen (A :$A, B :$B)"

# req PORT METHOD PATH [BODY]: the status code; the body in $T/body
req() {
  curl -s -o "$T/body" -w '%{http_code}' -X "$2" -H 'Content-Type: application/json' \
    ${4:+--data "$4"} "http://127.0.0.1:$1/v1$3"
}
check "B stores a layer" [ "$(req "$B" POST /layers "{\"Layer\":{\"Name\":\"base\",\"Path\":\"$LAYER\",\"Format\":\"Docker\"}}")" = 201 ]
check "A serves it" [ "$(req "$A" GET '/layers/base?features')" = 200 ]
check "A sees its 435 features" [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Layer"]["Features"]))' "$T/body")" = 435 ]
check "POSTing the same layer to A: already stored, 201" [ "$(req "$A" POST /layers "{\"Layer\":{\"Name\":\"base\",\"Path\":\"$LAYER\",\"Format\":\"Docker\"}}")" = 201 ]

vuln() { echo "{\"Vulnerability\":{\"Name\":\"$1\",\"NamespaceName\":\"debian:12\",\"Severity\":\"High\",\"FixedIn\":[{\"Name\":\"openssl\",\"Version\":\"99.0\",\"VersionFormat\":\"dpkg\"}]}}"; }
check "A writes a vulnerability on openssl" [ "$(req "$A" POST /namespaces/debian:12/vulnerabilities "$(vuln CVE-MULTI-1)")" = 201 ]
check "B serves it" [ "$(req "$B" GET /namespaces/debian:12/vulnerabilities/CVE-MULTI-1)" = 200 ]
for _ in $(seq 100); do [ -s "$T/hook.log" ] && break; sleep 0.1; done
sleep 3 # time enough for a second delivery, if one were to happen
check "the webhook got exactly one POST" [ "$(wc -l <"$T/hook.log")" = 1 ]
NAME=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["Notification"]["Name"])' "$T/hook.log")
check "one instance sent it" [ "$(cat "$T/a.log" "$T/b.log" | grep -c '"notification sent"')" = 1 ]
check "one notification in the database" [ "$(vigil_pg_q 'SELECT count(*) FROM clair_notification')" = 1 ]
check "B serves notification $NAME" [ "$(req "$B" GET "/notifications/$NAME?limit=10")" = 200 ]
check "it names the layer stored through B" grep -q '"LayersIntroducingVulnerability":\["base"\]' "$T/body"

for _ in $(seq 300); do cat "$T/a.log" "$T/b.log" | grep -q '"feed update incomplete"' && break; sleep 0.1; done
check "one instance ran the feed update" [ "$(cat "$T/a.log" "$T/b.log" | grep -c '"updating feeds"')" = 1 ]
check "the other left it to the lease holder" grep -q '"feed update left to another instance"' "$T/a.log" "$T/b.log"
check "the feed server saw one run: 7 requests" [ "$(grep -c '^GET' "$T/feeds.log")" = 7 ]

# The lease holder stops (gives its lease up): the other instance delivers the next one.
if grep -q '"notification sent"' "$T/a.log"; then HOLDER=$PA; OTHER=$B; OLOG=b; else HOLDER=$PB; OTHER=$A; OLOG=a; fi
kill -TERM "$HOLDER"; wait "$HOLDER"
check "the lease holder stopped cleanly" [ $? -eq 0 ]
check "the other writes a second vulnerability" [ "$(req "$OTHER" POST /namespaces/debian:12/vulnerabilities "$(vuln CVE-MULTI-2)")" = 201 ]
for _ in $(seq 100); do [ "$(wc -l <"$T/hook.log")" -ge 2 ] && break; sleep 0.1; done
sleep 1
check "the webhook got the second one, once" [ "$(wc -l <"$T/hook.log")" = 2 ]
check "the remaining instance took the lease and sent it" grep -q '"notification sent"' "$T/$OLOG.log"
if [ "$FAIL" -gt 0 ]; then
  for i in a b; do echo "    --- $i.log"; grep -v '"request"' "$T/$i.log" | cut -c1-160 | sed 's/^/    /'; done
  echo "    --- webhook: $(wc -l <"$T/hook.log") POSTs; feed server: $(grep -c '^GET' "$T/feeds.log") requests"
fi
finish
