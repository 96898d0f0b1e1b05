#!/bin/bash
# vigil serve on PostgreSQL against the recording of a real Clair v2.0.9:
# serve_wire.sh's replay (lib/wire.sh) with clair.database type pgsql on a
# throwaway cluster (lib/pg.sh); the same 121 passes, no failure, the same 11
# deliberate differences. Both instances (the main one and group T's) share it.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
[ -f "$VIGIL_SHARED/spec/clair-wire/tools/replay.py" ] || { not_ok "missing $VIGIL_SHARED/spec/clair-wire"; finish; exit 1; }
require_tools python3
if ! vigil_pg_start; then not_ok "start a PostgreSQL cluster"; finish; exit 1; fi
ok "PostgreSQL cluster on 127.0.0.1:$VIGIL_PG_PORT"
wire_cleanup() { vigil_pg_stop; rm -rf "$T"; }
WIRE_DB="{type: pgsql, options: {source: \"$VIGIL_PG_DSN\"}}"
. "$(dirname "$0")/lib/wire.sh"
check "the Clair tables are in PostgreSQL" test "$(vigil_pg_q "SELECT count(*) FROM clair_layer")" -gt 0
finish
