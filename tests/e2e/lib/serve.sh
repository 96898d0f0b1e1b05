# Starting and stopping `vigil serve` in an end-to-end test (sourced after
# common.sh).
#   serve_yaml DATABASE [API_EXTRA]  print a config: `database:` is DATABASE (a
#                                YAML flow value), free ports on 127.0.0.1,
#                                local layer paths (API_EXTRA: more api keys,
#                                ", key: value"), no updater
#   serve_config FILE DB         serve_yaml of the SQLite store DB into FILE
#   serve_launch CONFIG LOG      start one in the background (the caller
#                                kills it: no trap); sets LAUNCHED (its pid);
#                                the test fails if it does not come up
#   serve_port LOG               the API port the first log line names
#   serve_start FILE [LOG]       serve_launch; sets PID, API and HP (the bound
#                                ports) and U (http://127.0.0.1:API/v1); it is
#                                killed at exit
#   serve_stop                   SIGTERM; checks the exit status is 0
#   alpine310_layer              untar the Alpine 3.10 test image into $T/img;
#                                sets ALPINE_LAYER to its one layer.tar
serve_yaml() {
  cat <<YAML
clair:
  database: $1
  api: {port: 0, healthport: 0, bind: 127.0.0.1, allowlocalpath: true${2:-}}
  updater: {interval: 0}
YAML
}

serve_config() {
  serve_yaml "{type: sqlite, options: {source: \"$2\"}}" >"$1"
}

serve_launch() {
  "$VIGIL_BIN" serve --config "$1" >"$2" 2>&1 &
  LAUNCHED=$!
  for _ in $(seq 100); do grep -q '"Event":"listening"' "$2" && break; sleep 0.1; done
  [ -n "$(serve_port "$2")" ] ||
    { not_ok "server did not start"; cat "$2"; kill "$LAUNCHED" 2>/dev/null; finish; exit 1; }
}

serve_port() {
  head -1 "$1" | sed -n 's/.*"api":"[^"]*:\([0-9]*\)".*/\1/p'
}

serve_start() {
  local log=${2:-$T/server.log}
  serve_launch "$1" "$log"
  PID=$LAUNCHED
  trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$T"' EXIT
  API=$(serve_port "$log")
  HP=$(head -1 "$log" | sed -n 's/.*"health":"[^"]*:\([0-9]*\)".*/\1/p')
  U="http://127.0.0.1:$API/v1"
}

serve_stop() {
  local rc
  kill -TERM "$PID"
  wait "$PID"
  rc=$?
  check "SIGTERM: exit 0" [ "$rc" -eq 0 ]
}

alpine310_layer() {
  local ti="$IMAGES/fixtures/alpine/trivy-integration/testdata/fixtures/images/alpine-310.tar.gz"
  require_files "$ti"
  mkdir -p "$T/img"
  tar -xzf "$ti" -C "$T/img"
  ALPINE_LAYER=$(ls "$T"/img/*/layer.tar)
}
