#!/usr/bin/env bash
# vigil serve on a throwaway PostgreSQL (lib/pg.sh) that restarts under it:
# a pooled handle whose connection broke opens a new one when it is next
# taken from the pool (vigil_clair_reconnect()), so after at most one failed
# request per handle the server answers again, without a restart of its own.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
. "$(dirname "$0")/lib/serve.sh"
LAYER="$VIGIL_SHARED/spec/clair-wire/layers/debian12-dpkg.tar"
require_files "$LAYER"
if ! vigil_pg_start; then not_ok "start a PostgreSQL cluster"; finish; exit 1; fi
ok "PostgreSQL cluster on 127.0.0.1:$VIGIL_PG_PORT"
serve_yaml "{type: pgsql, options: {source: \"$VIGIL_PG_DSN\"}}" >"$T/c.yaml"
PID=""
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; vigil_pg_stop; rm -rf "$T"' EXIT
serve_launch "$T/c.yaml" "$T/log"
PID=$LAUNCHED
API=$(serve_port "$T/log")
get() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API/v1/layers/base?features"; }
check "a layer is stored" [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
  --data "{\"Layer\":{\"Name\":\"base\",\"Path\":\"$LAYER\",\"Format\":\"Docker\"}}" \
  "http://127.0.0.1:$API/v1/layers")" = 201 ]
check "and served" [ "$(get)" = 200 ]

vigil_pg_as "$PG_BIN/pg_ctl" -D "$VIGIL_PG_DIR/data" -m fast -w restart >/dev/null 2>&1
check "PostgreSQL restarted" vigil_pg_q "SELECT 1"
codes=""
for _ in $(seq 5); do codes="$codes $(get)"; done
echo "    first GETs after the restart:$codes"
check "the server answers again after the restart" [ "${codes##* }" = 200 ]
bad=0
for _ in $(seq 20); do [ "$(get)" = 200 ] || bad=$((bad + 1)); done
check "and keeps answering (20 GETs, $bad failed)" [ "$bad" = 0 ]
kill -TERM $PID; wait $PID
check "SIGTERM stops it cleanly" [ $? -eq 0 ]
trap 'vigil_pg_stop; rm -rf "$T"' EXIT
finish
