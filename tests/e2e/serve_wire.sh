#!/bin/bash
# vigil serve on SQLite against the recording of a real Clair v2.0.9
# (../shared/spec/clair-wire): lib/wire.sh replays it and checks every
# response (serve_wire_pg.sh does the same on PostgreSQL).
. "$(dirname "$0")/lib/common.sh"
[ -f "$VIGIL_SHARED/spec/clair-wire/tools/replay.py" ] || { not_ok "missing $VIGIL_SHARED/spec/clair-wire"; finish; exit 1; }
require_tools python3
WIRE_DB="{type: sqlite, options: {source: \"$T/store.db\"}}"
. "$(dirname "$0")/lib/wire.sh"
finish
