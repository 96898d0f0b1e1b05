#!/usr/bin/env bash
# The store contract suite (tests/unit/lib/store/contract.c) against
# PostgreSQL: start a throwaway cluster (lib/pg.sh), run the unit program with
# VIGIL_PG_DSN (a URL) and VIGIL_PG_KV (the same database as key=value), only
# its PostgreSQL cases (ctest runs the SQLite ones as unit/lib/store/contract).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
UNIT="$(dirname "$VIGIL_BIN")/tests/unit_lib_store_contract"
[ -x "$UNIT" ] || { not_ok "no $UNIT (build the unit tests)"; finish; exit 1; }
if ! vigil_pg_start; then not_ok "start a PostgreSQL cluster"; finish; exit 1; fi
ok "PostgreSQL cluster on 127.0.0.1:$VIGIL_PG_PORT"
if VIGIL_STORE_BACKENDS=postgres "$UNIT" >"$T/out" 2>&1; then
  ok "contract suite on PostgreSQL: $(grep -c '^\[       OK \]' "$T/out") cases passed"
else
  not_ok "contract suite on PostgreSQL"; grep -E 'FAILED|Error|error|fail' "$T/out" | head -20 | sed 's/^/    /'
fi
check "the key=value DSN case ran (not skipped)" grep -q '^\[       OK \] test_postgres_key_value_dsn' "$T/out"
check "no schema left behind" test "$(vigil_pg_q "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'vigil_contract_%'")" = 0
finish
