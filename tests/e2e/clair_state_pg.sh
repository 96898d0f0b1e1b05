#!/usr/bin/env bash
# The Clair state unit tests (tests/unit/lib/clair/state.c: layers,
# vulnerabilities, notifications, leases, two handles storing one layer at
# once), those of the statement layer under it (tests/unit/lib/store/sql.c,
# with the Clair tables' schema) and of the matcher's batched lookup
# (tests/unit/lib/store/lookup_batch.c) against PostgreSQL: start a throwaway cluster
# (lib/pg.sh) and run the unit programs with VIGIL_PG_DSN, only their
# PostgreSQL cases (ctest runs the SQLite ones as unit/lib/clair/state and
# unit/lib/store/sql).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
UNIT="$(dirname "$VIGIL_BIN")/tests/unit_lib_clair_state"
[ -x "$UNIT" ] || { not_ok "no $UNIT (build the unit tests)"; finish; exit 1; }
if ! vigil_pg_start; then not_ok "start a PostgreSQL cluster"; finish; exit 1; fi
ok "PostgreSQL cluster on 127.0.0.1:$VIGIL_PG_PORT"
if VIGIL_STORE_BACKENDS=postgres "$UNIT" >"$T/out" 2>&1; then
  ok "clair state on PostgreSQL: $(grep -c '^\[       OK \]' "$T/out") cases passed"
else
  not_ok "clair state on PostgreSQL"; grep -E 'FAILED|Error|error|fail' "$T/out" | head -20 | sed 's/^/    /'
fi
for c in test_layers_and_notifications test_lease test_same_layer_at_once test_same_vuln_at_once; do
  check "$c ran on PostgreSQL (not skipped)" grep -q "^\[       OK \] $c" "$T/out"
done
SQL="$(dirname "$VIGIL_BIN")/tests/unit_lib_store_sql"
if VIGIL_STORE_BACKENDS=postgres "$SQL" >"$T/sql" 2>&1; then
  ok "statement layer on PostgreSQL: $(grep -c '^\[       OK \]' "$T/sql") cases passed"
else
  not_ok "statement layer on PostgreSQL"; grep -E 'FAILED|Error|error|fail' "$T/sql" | head -20 | sed 's/^/    /'
fi
check "the Clair schema case ran on PostgreSQL" grep -q '^\[       OK \] test_clair_schema' "$T/sql"
BATCH="$(dirname "$VIGIL_BIN")/tests/unit_lib_store_lookup_batch"
if VIGIL_STORE_BACKENDS=postgres "$BATCH" >"$T/batch" 2>&1; then
  ok "batched lookup on PostgreSQL: $(grep -c '^\[       OK \]' "$T/batch") cases passed"
else
  not_ok "batched lookup on PostgreSQL"; grep -E 'FAILED|Error|error|fail' "$T/batch" | head -20 | sed 's/^/    /'
fi
check "the batched lookup ran on PostgreSQL" grep -q '^\[       OK \] batch_equals_single_lookups' "$T/batch"
check "no schema left behind" test "$(vigil_pg_q "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'vigil_dbtest_%'")" = 0
finish
