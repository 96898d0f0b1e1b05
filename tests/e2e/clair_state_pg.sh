#!/usr/bin/env bash
# The Clair state unit tests (tests/unit/lib/clair/state.c: layers,
# vulnerabilities, notifications, leases, two handles storing one layer at
# once, the data generation), those of the statement layer under it (tests/unit/lib/store/sql.c,
# with the Clair tables' schema) and of the matcher's batched lookup
# (tests/unit/lib/store/lookup_batch.c) against PostgreSQL: start a throwaway cluster
# (lib/pg.sh) and run the unit programs with VIGIL_PG_DSN, only their
# PostgreSQL cases (ctest runs the SQLite ones as unit/lib/clair/state and
# unit/lib/store/sql).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
UNITS="$(dirname "$VIGIL_BIN")/tests"
# pg_unit WHAT PROGRAM CASE...: PROGRAM's PostgreSQL cases pass, the named ones ran
pg_unit() {
  local what=$1 prog="$UNITS/$2" out="$T/$2.out" c; shift 2
  [ -x "$prog" ] || { not_ok "no $prog (build the unit tests)"; return; }
  if VIGIL_STORE_BACKENDS=postgres "$prog" >"$out" 2>&1; then
    ok "$what on PostgreSQL: $(grep -c '^\[       OK \]' "$out") cases passed"
  else
    not_ok "$what on PostgreSQL"; grep -E 'FAILED|Error|error|fail' "$out" | head -20 | sed 's/^/    /'
  fi
  for c in "$@"; do
    check "$c ran on PostgreSQL (not skipped)" grep -q "^\[       OK \] $c" "$out"
  done
}
if ! vigil_pg_start; then not_ok "start a PostgreSQL cluster"; finish; exit 1; fi
ok "PostgreSQL cluster on 127.0.0.1:$VIGIL_PG_PORT"
pg_unit "clair state" unit_lib_clair_state test_layers_and_notifications test_lease \
  test_same_layer_at_once test_same_vuln_at_once test_origins_and_snapshots test_generation
pg_unit "statement layer" unit_lib_store_sql test_clair_schema
pg_unit "batched lookup" unit_lib_store_lookup_batch batch_equals_single_lookups
check "no schema left behind" test "$(vigil_pg_q "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'vigil_dbtest_%'")" = 0
finish
