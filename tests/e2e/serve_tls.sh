#!/bin/bash
# vigil serve with clair.api.certfile/keyfile: HTTPS on the API port (a
# client that trusts the certificate gets JSON, plain HTTP gets nothing),
# plain HTTP on the health port (as Clair), and cafile refused at startup
# (client-certificate verification is not implemented: never silently off).
. "$(dirname "$0")/lib/common.sh"
command -v openssl >/dev/null && command -v curl >/dev/null || { echo "skip: openssl/curl"; exit 0; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1 ||
  { echo "skip: cannot make a certificate"; exit 0; }
cat >"$T/config.yaml" <<YAML
clair:
  database: {type: sqlite, options: {source: "$T/store.db"}}
  api: {port: 0, healthport: 0, bind: 127.0.0.1, certfile: "$T/cert.pem", keyfile: "$T/key.pem"}
  updater: {interval: 0}
YAML
"$VIGIL_BIN" serve --config "$T/config.yaml" >"$T/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do grep -q '"Event":"listening"' "$T/server.log" && break; sleep 0.1; done
LINE=$(head -1 "$T/server.log")
API=$(echo "$LINE" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p')
HP=$(echo "$LINE" | sed -n 's/.*"health":"[^"]*:\([0-9]*\)".*/\1/p')
[ -n "$API" ] || { not_ok "server did not start"; cat "$T/server.log"; finish; exit 1; }
got=$(curl -s --cacert "$T/cert.pem" "https://127.0.0.1:$API/v1/namespaces")
check "HTTPS with the server's certificate: $got" [ "$got" = '{"Namespaces":null}' ]
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API/v1/namespaces")
check "plain HTTP on the TLS port gets no response ($code)" [ "$code" = 000 ]
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HP/health")
check "health port stays plain HTTP (200)" [ "$code" = 200 ]
kill -TERM $PID; wait $PID; RC=$?
check "SIGTERM stops the server cleanly (exit $RC)" [ $RC -eq 0 ]

sed 's|keyfile: "\([^"]*\)"}|keyfile: "\1", cafile: "'"$T/cert.pem"'"}|' "$T/config.yaml" >"$T/ca.yaml"
"$VIGIL_BIN" serve --config "$T/ca.yaml" >"$T/ca.log" 2>&1 &
PID=$!
wait $PID; RC=$?
if [ $RC -ne 0 ] && grep -q "cafile" "$T/ca.log"; then ok "cafile refused at startup (exit $RC)"; else
  not_ok "cafile: exit $RC $(cat "$T/ca.log")"; fi
trap 'rm -rf "$T"' EXIT
finish
