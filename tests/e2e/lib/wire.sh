# The Clair wire harness against `vigil serve` (sourced by serve_wire.sh and
# serve_wire_pg.sh, after common.sh, as their last step): replay.py sends the
# 130 recorded requests of a real Clair v2.0.9 (../shared/spec/clair-wire) to
# a fresh `vigil serve` (local layer paths allowed, notifier pointed at the
# harness's receiver), compare.py checks every response: 121 pass, and the
# 11 quirk cases vigil fixes on purpose (docs/serve.md) are reported as QUIRK;
# any FAIL fails the test. Group T is a second instance on the same store with
# a 1 ms API timeout. The caller sets WIRE_DB (the config's clair.database
# value), may redefine wire_cleanup (run at exit), and calls finish.
declare -F wire_cleanup >/dev/null || wire_cleanup() { rm -rf "$T"; }
WIRE="$VIGIL_SHARED/spec/clair-wire"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WH=$(free_port)
cat >"$T/config.yaml" <<YAML
clair:
  database: $WIRE_DB
  api: {port: 0, healthport: 0, timeout: 900s, bind: 127.0.0.1, allowlocalpath: true}
  updater: {interval: 0}
  notifier:
    attempts: 3
    renotifyinterval: 2h
    pollinterval: 200ms
    http: {endpoint: "http://127.0.0.1:$WH/notify"}
YAML

# group T: a second instance on the same store whose API timeout is 1 ms
cat >"$T/config-t.yaml" <<YAML
clair:
  database: $WIRE_DB
  api: {port: 0, healthport: 0, timeout: 1ms, bind: 127.0.0.1, allowlocalpath: true}
  updater: {interval: 0}
YAML

(cd "$WIRE" && exec "$VIGIL_BIN" serve --config "$T/config.yaml") >"$T/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; wire_cleanup' EXIT
for _ in $(seq 100); do grep -q '"Event":"listening"' "$T/server.log" && break; sleep 0.1; done
(cd "$WIRE" && exec "$VIGIL_BIN" serve --config "$T/config-t.yaml") >"$T/server-t.log" 2>&1 &
PID2=$!
trap 'kill $PID $PID2 2>/dev/null; wait $PID $PID2 2>/dev/null; wire_cleanup' EXIT
for _ in $(seq 100); do grep -q '"Event":"listening"' "$T/server-t.log" && break; sleep 0.1; done
TAPI=$(head -1 "$T/server-t.log" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p')
LINE=$(head -1 "$T/server.log")
API=$(echo "$LINE" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p')
HP=$(echo "$LINE" | sed -n 's/.*"health":"[^"]*:\([0-9]*\)".*/\1/p')
if [ -n "$API" ] && [ -n "$HP" ]; then ok "first log line names the bound addresses"; else
  not_ok "server did not start"; cat "$T/server.log"; finish; exit 1; fi

python3 "$WIRE/tools/replay.py" --out "$T/out" --api-port "$API" --health-port "$HP" \
  --layer-port 0 --webhook-port "$WH" --webhook-timeout 60 --timeout-api-port "$TAPI" >"$T/replay.log" 2>&1
check "replay got a response to every request" [ $? -eq 0 ]
python3 "$WIRE/tools/compare.py" "$T/out" --no-notes >"$T/compare.log" 2>&1
RC=$?
grep -v '^PASS' "$T/compare.log" | sed 's/^/    /'
tail -1 "$T/compare.log"
check "compare.py: no unmarked case differs" [ $RC -eq 0 ]
check "121 cases pass, none fails" grep -qx '121 passed, 0 failed' "$T/compare.log"
check "11 deliberate differences (docs/serve.md)" grep -q '^11 quirk differs' "$T/compare.log"

kill -TERM $PID $PID2
wait $PID
RC=$?
check "SIGTERM stops the server cleanly (exit $RC)" [ $RC -eq 0 ]
wait $PID2
RC=$?
check "SIGTERM stops the 1 ms-timeout instance cleanly, its timed-out job done (exit $RC)" [ $RC -eq 0 ]
trap wire_cleanup EXIT
