# A throwaway PostgreSQL cluster for the tests (sourced, after common.sh when
# used by an e2e test). vigil_pg_start:
#   - uses Debian's `postgresql` package (binaries in /usr/lib/postgresql/N/bin);
#   - initdb and postgres refuse to run as root, and CI runs as root: then the
#     cluster belongs to a system user `vigil-pg` (created with useradd when
#     missing) and its commands run through `runuser -u vigil-pg`;
#   - the cluster lives in a fresh directory under /tmp, listens on 127.0.0.1
#     only, on a free port, with its unix socket in that directory (nothing in
#     /var/run), trust authentication (local tests only);
#   - creates database `vigil` and exports VIGIL_PG_DSN (a postgres:// URL),
#     VIGIL_PG_KV (the same as a key=value DSN) and VIGIL_PG_PSQL (a psql
#     command line for the tests' own queries);
#   - on exit (trap) stops the server and removes the directory, then runs the
#     EXIT trap common.sh set.
# Returns non-zero with a message on stderr when PostgreSQL is not installed.

VIGIL_PG_USER=${VIGIL_PG_USER:-vigil-pg}
VIGIL_PG_DIR=""

vigil_pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "pg.sh: no PostgreSQL server (apt-get install postgresql)" >&2; return 1; }
  echo "$d"
}

# Run a command as the cluster's owner (root cannot run initdb/postgres).
vigil_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$VIGIL_PG_USER" -- "$@"; else "$@"; fi
}

vigil_pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

vigil_pg_stop() {
  [ -n "$VIGIL_PG_DIR" ] || return 0
  if [ -f "$VIGIL_PG_DIR/data/postmaster.pid" ]; then
    vigil_pg_as "$PG_BIN/pg_ctl" -D "$VIGIL_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$VIGIL_PG_DIR"
  VIGIL_PG_DIR=""
}

vigil_pg_start() {
  local port try
  PG_BIN=$(vigil_pg_bin) || return 1
  if [ "$(id -u)" -eq 0 ] && ! id "$VIGIL_PG_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
      "$VIGIL_PG_USER" 2>/dev/null || id "$VIGIL_PG_USER" >/dev/null 2>&1 ||
      { echo "pg.sh: cannot create user $VIGIL_PG_USER" >&2; return 1; }
  fi
  VIGIL_PG_DIR=$(mktemp -d /tmp/vigil-pg.XXXXXX)
  trap 'vigil_pg_stop; rm -rf "${T:-}"' EXIT
  trap 'exit 130' INT TERM
  [ "$(id -u)" -eq 0 ] && chown "$VIGIL_PG_USER" "$VIGIL_PG_DIR"
  chmod 700 "$VIGIL_PG_DIR"
  # UTF8 as production databases are; the C locale for speed (vigil's
  # columns are COLLATE "C" anyway).
  vigil_pg_as "$PG_BIN/initdb" -D "$VIGIL_PG_DIR/data" -U postgres -A trust -E UTF8 \
    --locale=C >"$VIGIL_PG_DIR/initdb.log" 2>&1 ||
    { echo "pg.sh: initdb failed:" >&2; tail -5 "$VIGIL_PG_DIR/initdb.log" >&2; return 1; }
  # A free port can be taken between the probe and the bind: retry.
  for try in 1 2 3 4 5; do
    port=$(vigil_pg_free_port)
    if vigil_pg_as "$PG_BIN/pg_ctl" -D "$VIGIL_PG_DIR/data" -l "$VIGIL_PG_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $VIGIL_PG_DIR -c max_connections=50" \
      start >/dev/null 2>&1; then
      break
    fi
    port=""
  done
  [ -n "$port" ] || { echo "pg.sh: the server did not start:" >&2; tail -5 "$VIGIL_PG_DIR/server.log" >&2; return 1; }
  VIGIL_PG_PORT=$port
  VIGIL_PG_PSQL="psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $port -U postgres"
  $VIGIL_PG_PSQL -d postgres -c "CREATE DATABASE vigil" >/dev/null ||
    { echo "pg.sh: CREATE DATABASE failed" >&2; return 1; }
  VIGIL_PG_PSQL="$VIGIL_PG_PSQL -d vigil"
  export VIGIL_PG_PORT VIGIL_PG_PSQL
  export VIGIL_PG_DSN="postgres://postgres@127.0.0.1:$port/vigil"
  export VIGIL_PG_KV="host=127.0.0.1 port=$port user=postgres dbname=vigil"
}

# psql query, unaligned tuples only: vigil_pg_q "SELECT ..."
vigil_pg_q() { $VIGIL_PG_PSQL -At -c "$1"; }
