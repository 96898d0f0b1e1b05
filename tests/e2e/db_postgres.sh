#!/usr/bin/env bash
# vigil db import/status on PostgreSQL (a throwaway cluster, lib/pg.sh):
#   - importing Alpine's secdb, Debian's DSA/DLA/DTSA lists and the
#     ubuntu-cve-tracker tarballs gives the same `db status --format json` as
#     the same import on SQLite (apart from ImportedAt), and the same summary;
#   - the DSN may be a URL or key=value, from --db or VIGIL_DB;
#   - a reader during an import sees the previous data (ImportedAt included),
#     then the new data once it commits;
#   - kill -9 of an import leaves the previous data and no lock behind;
#   - importers started together on a fresh database migrate it once;
#   - errors are exit 4 with one line that names the DSN without its password.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
V="$VIGIL_SHARED/vulndata"
ALPINE="$V/alpine/secdb-json"
DATA="$V/debian/security-tracker/data"
UCT="$V/ubuntu/ubuntu-cve-tracker"
LISTS=("$DATA/DSA/list" "$DATA/DLA/list" "$DATA/DTSA/list")
for f in "$ALPINE" "${LISTS[@]}" "$UCT/active.tar.xz" "$UCT/retired.tar.xz"; do
  [ -e "$f" ] || { not_ok "missing $f"; finish; exit 1; }
done
if ! vigil_pg_start; then not_ok "start a PostgreSQL cluster"; finish; exit 1; fi
ok "PostgreSQL cluster on 127.0.0.1:$VIGIL_PG_PORT"
PG() { "$VIGIL_BIN" --db "$VIGIL_PG_DSN" "$@"; }
SQ() { "$VIGIL_BIN" --db "$T/vigil.db" "$@"; }
norm() { jq -S 'del(.Feeds[].ImportedAt)'; }
ALL=("$ALPINE" "${LISTS[@]}" "$UCT/active.tar.xz" "$UCT/retired.tar.xz")

# ---- the same data on both backends ----
expect_exit 0 "postgres: import alpine, debian lists, ubuntu tracker" PG db import "${ALL[@]}"
grep '^imported' "$T/out" >"$T/pg.summary"
expect_exit 0 "sqlite: the same import" SQ db import "${ALL[@]}"
grep '^imported' "$T/out" >"$T/sq.summary"
same "the import summaries are identical" "$T/sq.summary" "$T/pg.summary"
SQ db status --format json | norm >"$T/sq.json"
PG db status --format json | norm >"$T/pg.json"
same "db status --format json is identical apart from ImportedAt" "$T/sq.json" "$T/pg.json"
check "three feeds, more than 190,000 records" \
  jq -e '(.Feeds | length) == 3 and ([.Feeds[].Records] | add) > 190000' "$T/pg.json"
VIGIL_DB="$VIGIL_PG_KV" "$VIGIL_BIN" db status --format json | norm >"$T/kv.json"
same "VIGIL_DB with a key=value DSN reads the same database" "$T/pg.json" "$T/kv.json"
SQ db status >"$T/sq.txt"; PG db status >"$T/pg.txt"
same "the table of db status is identical apart from IMPORTED AT" \
  <(sed -E 's/[0-9T:-]{19}Z +https?:/X https:/' "$T/sq.txt") \
  <(sed -E 's/[0-9T:-]{19}Z +https?:/X https:/' "$T/pg.txt")
# the same migrations, one row each, as the SQLite database of the same binary
MIGS=$(sqlite3 "$T/vigil.db" "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)")
NMIG=$(sqlite3 "$T/vigil.db" "SELECT count(*) FROM schema_version")
check "schema version $NMIG, one row per migration, as on SQLite" test "$(vigil_pg_q 'SELECT string_agg(version::text, $$,$$ ORDER BY version) FROM schema_version')" = "$MIGS"

# Wait (up to 120 s) until an importer holds the import lock.
import_running() {
  local i
  for ((i = 0; i < 1200; i++)); do
    [ "$(vigil_pg_q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1986619244 AND objid = 2 AND granted")" = 1 ] && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# ---- a reader during an import sees the previous data ----
PG db status --format json >"$T/before.json"
"$VIGIL_BIN" --db "$VIGIL_PG_DSN" --quiet db import "$UCT/active.tar.xz" "$UCT/retired.tar.xz" \
  >"$T/imp.out" 2>&1 &
pid=$!
if import_running $pid; then
  sleep 1
  PG db status --format json >"$T/during.json"
  check "the import was still running while the reader read" kill -0 $pid
  same "a reader during the import sees the previous data, ImportedAt included" \
    "$T/before.json" "$T/during.json"
else
  not_ok "the import never took the lock"
fi
wait $pid; rc=$?
check "the concurrent import succeeded" test $rc -eq 0
PG db status --format json >"$T/after.json"
check "after its commit the reader sees the new import" test \
  "$(jq -r '.Feeds[] | select(.Name == "ubuntu") | .ImportedAt' "$T/after.json")" != \
  "$(jq -r '.Feeds[] | select(.Name == "ubuntu") | .ImportedAt' "$T/before.json")"
same "re-importing changes no count" "$T/pg.json" <(norm <"$T/after.json")

# ---- kill -9 during an import leaves the previous data ----
# (vigil itself in the background, not a shell function: $! is its pid)
"$VIGIL_BIN" --db "$VIGIL_PG_DSN" --quiet db import "$UCT/active.tar.xz" "$UCT/retired.tar.xz" \
  "$ALPINE" >/dev/null 2>&1 &
pid=$!
if import_running $pid; then
  sleep 1.5
  kill -9 $pid
else
  not_ok "the import to kill never took the lock"
fi
wait $pid 2>/dev/null; rc=$?
check "the import was killed (exit $rc)" test $rc -eq 137
gone=0
for ((i = 0; i < 300; i++)); do
  [ "$(vigil_pg_q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil'")" = 0 ] && { gone=1; break; }
  sleep 0.1
done
check "the server ended the killed importer's session" test $gone -eq 1
PG db status --format json >"$T/killed.json"
same "after kill -9 the previous data is whole, ImportedAt included" "$T/after.json" "$T/killed.json"
check "no advisory lock is left" test "$(vigil_pg_q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")" = 0
expect_exit 0 "a new import runs at once" timeout 120 "$VIGIL_BIN" --db "$VIGIL_PG_DSN" db import "$ALPINE/v3.18"

# ---- importers started together on a fresh database ----
vigil_pg_q "CREATE DATABASE fresh" >/dev/null
FRESH="postgresql://postgres@127.0.0.1:$VIGIL_PG_PORT/fresh"
pids=()
for b in v3.15 v3.16 v3.17 v3.18; do
  "$VIGIL_BIN" --db "$FRESH" --quiet db import "$ALPINE/$b" >"$T/par.$b" 2>&1 &
  pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check "four importers on a fresh database all succeed" test $fails -eq 0
check "each migration was applied once" test \
  "$($VIGIL_PG_PSQL -At -d fresh -c 'SELECT count(*), count(DISTINCT version) FROM schema_version' 2>/dev/null || $VIGIL_PG_PSQL -At -c 'SELECT 0')" = "$NMIG|$NMIG"
"$VIGIL_BIN" --db "$FRESH" db status --format json >"$T/fresh.json"
check "the four branches are all there" \
  jq -e '[.Feeds[0].Namespaces[]] == ["alpine:v3.15","alpine:v3.16","alpine:v3.17","alpine:v3.18"]' "$T/fresh.json"

# ---- errors ----
expect_exit 4 "unreachable server: exit 4" "$VIGIL_BIN" --db "postgres://u:secret@127.0.0.1:1/x" db status
check "one line naming the DSN without the password" \
  grep -qx "vigil: database 'postgres://u@127.0.0.1:1/x': cannot connect: .*" "$T/err"
check "the password is nowhere" eval '! grep -q secret "$T/err"'
check "one line" test "$(wc -l <"$T/err")" -eq 1
expect_exit 4 "an empty database without import: exit 4" \
  "$VIGIL_BIN" --db "host=127.0.0.1 port=$VIGIL_PG_PORT user=postgres dbname=postgres password=secret" db status
check "it says to import first, without the password" \
  grep -qx "vigil: no vigil database in 'host=127.0.0.1 port=$VIGIL_PG_PORT user=postgres dbname=postgres' (run 'vigil db import' first)" "$T/err"
check "db status on it created nothing" test \
  "$($VIGIL_PG_PSQL -At -d postgres -c "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_version'")" = 0
finish
