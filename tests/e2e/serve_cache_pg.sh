#!/usr/bin/env bash
# vigil serve's response cache on PostgreSQL (a throwaway cluster, lib/pg.sh):
# three instances share the database and `vigil db` imports into it
# meanwhile; every write that can change a layer's answer shows at once in
# the answers an instance keeps, which always equal a computed answer
# (lib/cache_cases.sh).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
if ! vigil_pg_start; then not_ok "start a PostgreSQL cluster"; finish; exit 1; fi
ok "PostgreSQL cluster on 127.0.0.1:$VIGIL_PG_PORT"
DSN=$VIGIL_PG_DSN
DATABASE="{type: pgsql, options: {source: \"$DSN\"}}"
cache_cleanup() { vigil_pg_stop; rm -rf "$T"; }
. "$(dirname "$0")/lib/serve.sh"
. "$(dirname "$0")/lib/cache_cases.sh"
finish
