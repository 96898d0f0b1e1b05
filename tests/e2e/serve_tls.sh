#!/bin/bash
# vigil serve with clair.api.certfile/keyfile: HTTPS on the API port (a
# client that trusts the certificate gets JSON, plain HTTP gets nothing),
# plain HTTP on the health port (as Clair). With clair.api.cafile, client
# certificates (Clair's tls.RequireAndVerifyClientCert): a client whose
# certificate is signed by the CA gets its answer; one with no certificate, a
# certificate from another CA or an expired one fails the TLS handshake (no
# HTTP answer at all) and the server logs a warning for each. An unreadable or
# non-PEM cafile stops startup with one line naming the file. The webhook
# client's clair.notifier.http.* files and proxy are checked at startup.
. "$(dirname "$0")/lib/common.sh"
for tool in openssl curl; do # installed by scripts/install-deps.sh: missing is a failure
  command -v $tool >/dev/null || { not_ok "$tool is not installed (scripts/install-deps.sh)"; finish; exit 1; }
done

# ---- certificates: a CA, a rogue CA, the server's, and three clients ----
mk_ca() { # NAME
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.pem" -days 2 \
    -subj "/CN=vigil test $1" >/dev/null 2>&1
}
mk_csr() { # NAME CN
  openssl req -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.csr" -subj "/CN=$2" \
    >/dev/null 2>&1
}
mk_signed() { # NAME CA SERIAL [openssl x509 options]
  local name=$1 ca=$2 serial=$3; shift 3
  openssl x509 -req -in "$T/$name.csr" -CA "$T/$ca.pem" -CAkey "$T/$ca.key" -set_serial "$serial" \
    -days 2 -out "$T/$name.pem" "$@" >/dev/null 2>&1
}
# An expired certificate from the CA: `openssl ca` takes explicit past dates.
mk_expired() { # NAME
  mkdir -p "$T/ca.db" && : >"$T/ca.db/index.txt" && echo 10 >"$T/ca.db/serial"
  cat >"$T/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $T/ca.db/index.txt
new_certs_dir = $T/ca.db
serial = $T/ca.db/serial
default_md = sha256
policy = p
[p]
commonName = supplied
CNF
  openssl ca -batch -config "$T/ca.cnf" -cert "$T/ca.pem" -keyfile "$T/ca.key" \
    -in "$T/$1.csr" -startdate 20200101000000Z -enddate 20200102000000Z -out "$T/$1.pem" \
    >/dev/null 2>&1
}
printf 'subjectAltName=IP:127.0.0.1\n' >"$T/server.ext"
if mk_ca ca && mk_ca rogue &&
  mk_csr server 127.0.0.1 && mk_signed server ca 1 -extfile "$T/server.ext" &&
  mk_csr client client && mk_signed client ca 2 &&
  mk_csr rogueclient rogueclient && mk_signed rogueclient rogue 3 &&
  mk_csr expired expired && mk_expired expired; then
  ok "certificates made (CA, rogue CA, server, client, rogue client, expired client)"
else
  not_ok "cannot make the test certificates with openssl"; finish; exit 1
fi
check "openssl: the expired client certificate is expired" \
  bash -c "! openssl verify -CAfile '$T/ca.pem' '$T/expired.pem' >/dev/null 2>&1"

PID=
trap 'if [ -n "$PID" ]; then kill $PID 2>/dev/null; wait $PID 2>/dev/null; fi; rm -rf "$T"' EXIT

# start_server CONFIG LOG: sets PID, API and HP (the bound ports)
start_server() {
  "$VIGIL_BIN" serve --config "$1" >"$2" 2>&1 &
  PID=$!
  for _ in $(seq 100); do grep -q '"Event":"listening"' "$2" && break; sleep 0.1; done
  local line
  line=$(head -1 "$2")
  API=$(echo "$line" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p')
  HP=$(echo "$line" | sed -n 's/.*"health":"[^"]*:\([0-9]*\)".*/\1/p')
  [ -n "$API" ] && [ -n "$HP" ]
}
stop_server() {
  kill -TERM $PID; wait $PID; RC=$?; PID=
  check "SIGTERM stops the server cleanly (exit $RC)" [ $RC -eq 0 ]
}
# write_config FILE [EXTRA api KEYS]
write_config() {
  cat >"$1" <<YAML
clair:
  database: {type: sqlite, options: {source: "$T/store.db"}}
  api: {port: 0, healthport: 0, bind: 127.0.0.1, certfile: "$T/server.pem", keyfile: "$T/server.key"${2:-}}
  updater: {interval: 0}
YAML
}

# ---- HTTPS without client certificates ----
write_config "$T/config.yaml"
start_server "$T/config.yaml" "$T/server.log" ||
  { not_ok "server did not start"; cat "$T/server.log"; finish; exit 1; }
got=$(curl -s --cacert "$T/ca.pem" "https://127.0.0.1:$API/v1/namespaces")
check "HTTPS with the server's CA: $got" [ "$got" = '{"Namespaces":null}' ]
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API/v1/namespaces")
check "plain HTTP on the TLS port gets no response ($code)" [ "$code" = 000 ]
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HP/health")
check "health port stays plain HTTP (200)" [ "$code" = 200 ]
OLD_TLS="--tlsv1.0 --tls-max 1.1 --ciphers DEFAULT@SECLEVEL=0"
# shellcheck disable=SC2086
old_tls=$(curl -s -o /dev/null -w '%{http_code}' $OLD_TLS --cacert "$T/ca.pem" \
  "https://127.0.0.1:$API/v1/namespaces")
stop_server

# ---- clair.api.cafile: client certificates required and verified ----
write_config "$T/ca.yaml" ", cafile: \"$T/ca.pem\""
start_server "$T/ca.yaml" "$T/ca.log" ||
  { not_ok "server with cafile did not start"; cat "$T/ca.log"; finish; exit 1; }
check "startup logs client certificate authentication" \
  grep -q '"Event":"main API configured with client certificate authentication"' "$T/ca.log"
# api CURL-ARGS...: prints "HTTP-CODE BODY" (000 and no body when no HTTP answer)
api() {
  curl -s -o "$T/body" -w '%{http_code}' --cacert "$T/ca.pem" "$@" \
    "https://127.0.0.1:$API/v1/namespaces" >"$T/code" 2>/dev/null
  echo "$(cat "$T/code") $(cat "$T/body" 2>/dev/null)"
  rm -f "$T/body"
}
got=$(api --cert "$T/client.pem" --key "$T/client.key")
check "client certificate signed by the CA: 200 and the JSON ($got)" \
  [ "$got" = '200 {"Namespaces":null}' ]
got=$(api --tlsv1.2 --tls-max 1.2 --cert "$T/client.pem" --key "$T/client.key")
check "the same over TLS 1.2 ($got)" [ "$got" = '200 {"Namespaces":null}' ]
# shellcheck disable=SC2086
got=$(api $OLD_TLS --cert "$T/client.pem" --key "$T/client.key")
check "TLS 1.0/1.1 refused with a cafile, as Clair's MinVersion TLS 1.2 ($got; $old_tls without cafile)" \
  [ "$got" = "000 " ]
for v in "" "--tlsv1.2 --tls-max 1.2"; do
  tag=${v:+ (TLS 1.2)}
  # shellcheck disable=SC2086
  got=$(api $v)
  check "no client certificate$tag: handshake refused, no HTTP answer ($got)" [ "$got" = "000 " ]
  # shellcheck disable=SC2086
  got=$(api $v --cert "$T/rogueclient.pem" --key "$T/rogueclient.key")
  check "certificate of another CA$tag: handshake refused, no HTTP answer ($got)" [ "$got" = "000 " ]
  # shellcheck disable=SC2086
  got=$(api $v --cert "$T/expired.pem" --key "$T/expired.key")
  check "expired certificate of the CA$tag: handshake refused, no HTTP answer ($got)" \
    [ "$got" = "000 " ]
done
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HP/health")
check "health port stays plain HTTP without a certificate (200)" [ "$code" = 200 ]
got=$(api --cert "$T/client.pem" --key "$T/client.key")
check "the good client still gets its answer after the refusals ($got)" \
  [ "$got" = '200 {"Namespaces":null}' ]
sleep 0.2 # the refusals' log lines
refused() { grep '"Event":"client certificate refused"' "$T/ca.log" | grep -c "$1"; }
n=$(refused '"error":"no client certificate"')
check "warning logged for each connection without a certificate ($n of 2)" [ "$n" = 2 ]
n=$(refused 'issuer is unknown')
check "warning logged for each certificate of another CA ($n of 2)" [ "$n" = 2 ]
n=$(refused 'expired')
check "warning logged for each expired certificate ($n of 2)" [ "$n" = 2 ]
check "warnings name the client address" \
  grep -q '"client certificate refused".*"client":"127.0.0.1:[0-9]*","stage":"handshake"' "$T/ca.log"
stop_server

# ---- a cafile that cannot be used stops startup, with one line naming it ----
# bad_cafile NAME CAFILE PATTERN
bad_cafile() {
  write_config "$T/bad.yaml" ", cafile: \"$2\""
  "$VIGIL_BIN" serve --config "$T/bad.yaml" >"$T/bad.log" 2>&1
  local rc=$? lines
  lines=$(wc -l <"$T/bad.log")
  if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q "$3" "$T/bad.log"; then
    ok "$1: exit $rc, $(cat "$T/bad.log")"
  else
    not_ok "$1: exit $rc (want 2), $lines lines: $(cat "$T/bad.log")"
  fi
}
bad_cafile "missing cafile" "$T/nope.pem" "cafile: cannot read '$T/nope.pem': No such file"
cp "$T/ca.pem" "$T/locked.pem" && chmod 000 "$T/locked.pem"
if [ -r "$T/locked.pem" ]; then # root reads anything: use a directory instead
  bad_cafile "unreadable cafile (a directory)" "$T" "cafile: cannot read '$T'"
else
  bad_cafile "unreadable cafile" "$T/locked.pem" "cafile: cannot read '$T/locked.pem': Permission denied"
fi
echo "not a certificate" >"$T/junk.pem"
bad_cafile "cafile without a PEM certificate" "$T/junk.pem" "cafile: '$T/junk.pem' holds no usable PEM certificate"
cat >"$T/nocert.yaml" <<YAML
clair:
  database: {type: sqlite, options: {source: "$T/store.db"}}
  api: {port: 0, healthport: 0, bind: 127.0.0.1, cafile: "$T/ca.pem"}
  updater: {interval: 0}
YAML
expect_exit 2 "cafile without certfile/keyfile refused (never plain HTTP with a cafile)" \
  "$VIGIL_BIN" serve --config "$T/nocert.yaml"
check "  ... naming the keys" grep -q "clair.api.cafile needs clair.api.certfile" "$T/err"

# ---- the webhook client's settings (clair.notifier.http.*) are checked at startup ----
# notifier_config FILE HTTP-KEYS
notifier_config() {
  cat >"$1" <<YAML
clair:
  database: {type: sqlite, options: {source: "$T/store.db"}}
  api: {port: 0, healthport: 0, bind: 127.0.0.1}
  updater: {interval: 0}
  notifier: {http: {endpoint: "https://127.0.0.1:9/notify"$2}}
YAML
}
notifier_config "$T/n1.yaml" ", certfile: \"$T/client.pem\""
expect_exit 2 "notifier certfile without keyfile refused" "$VIGIL_BIN" serve --config "$T/n1.yaml"
check "  ... naming the keys: $(cat "$T/err")" grep -q "clair.notifier.http.certfile and keyfile go together" "$T/err"
notifier_config "$T/n2.yaml" ", cafile: \"$T/nope.pem\""
expect_exit 2 "unreadable notifier cafile refused" "$VIGIL_BIN" serve --config "$T/n2.yaml"
check "  ... one line naming the file: $(cat "$T/err")" [ "$(wc -l <"$T/err")" -eq 1 ]
check "  ... $T/nope.pem" grep -q "clair.notifier.http.cafile: cannot read '$T/nope.pem'" "$T/err"
notifier_config "$T/n3.yaml" ", proxy: \"proxy.example:3128\""
expect_exit 2 "notifier proxy that is not a URL refused" "$VIGIL_BIN" serve --config "$T/n3.yaml"
notifier_config "$T/n4.yaml" ", cafile: \"$T/ca.pem\", certfile: \"$T/client.pem\", keyfile: \"$T/client.key\", proxy: \"http://127.0.0.1:9\", servername: \"hooks.example\""
start_server "$T/n4.yaml" "$T/n4.log" ||
  { not_ok "server with notifier TLS settings did not start"; cat "$T/n4.log"; finish; exit 1; }
check "notifier TLS settings accepted; unsupported servername warned about" \
  grep -q '"Event":"config: clair.notifier.http.servername .hooks.example. is not supported' "$T/n4.log"
stop_server
finish
