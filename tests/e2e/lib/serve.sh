# Starting and stopping `vigil serve` in an end-to-end test (sourced after
# common.sh).
#   serve_config FILE DB         a config on the SQLite store DB: free ports on
#                                127.0.0.1, local layer paths, no updater
#   serve_start FILE [LOG]       start it; sets PID, API and HP (the bound
#                                ports) and U (http://127.0.0.1:API/v1); it is
#                                killed at exit; the test fails if it does
#                                not come up
#   serve_stop                   SIGTERM; checks the exit status is 0
serve_config() {
  cat >"$1" <<YAML
clair:
  database: {type: sqlite, options: {source: "$2"}}
  api: {port: 0, healthport: 0, bind: 127.0.0.1, allowlocalpath: true}
  updater: {interval: 0}
YAML
}

serve_start() {
  local log=${2:-$T/server.log} line
  "$VIGIL_BIN" serve --config "$1" >"$log" 2>&1 &
  PID=$!
  trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$T"' EXIT
  for _ in $(seq 100); do grep -q '"Event":"listening"' "$log" && break; sleep 0.1; done
  line=$(head -1 "$log")
  API=$(echo "$line" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p')
  HP=$(echo "$line" | sed -n 's/.*"health":"[^"]*:\([0-9]*\)".*/\1/p')
  [ -n "$API" ] || { not_ok "server did not start"; cat "$log"; finish; exit 1; }
  U="http://127.0.0.1:$API/v1"
}

serve_stop() {
  local rc
  kill -TERM "$PID"
  wait "$PID"
  rc=$?
  check "SIGTERM: exit 0" [ "$rc" -eq 0 ]
}
