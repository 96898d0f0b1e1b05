# Shared helpers for the end-to-end tests (sourced). The environment comes from
# ctest: VIGIL_BIN (the built binary), VIGIL_SHARED (../shared), VIGIL_TMP.
set -u
: "${VIGIL_BIN:?run through ctest}" "${VIGIL_SHARED:?run through ctest}"
VIGIL_TMP=${VIGIL_TMP:-/tmp/vigil-test}
IMAGES="$VIGIL_SHARED/images"
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }

# check NAME CMD...: the command must succeed
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

# expect_exit CODE NAME CMD...: the command must exit with CODE
expect_exit() {
  local want=$1 name=$2 got; shift 2
  "$@" >"$T/out" 2>"$T/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$name (exit $got)"; else
    not_ok "$name: exit $got, want $want"; sed 's/^/    /' "$T/err" | head -5; fi
}

# same NAME EXPECTED_FILE ACTUAL_FILE: files must be identical
same() {
  if diff -u "$2" "$3" >"$T/diff"; then ok "$1"; else
    not_ok "$1"; head -20 "$T/diff" | sed 's/^/    /'; fi
}

# require_files PATH...: each must exist, else the test fails here (never skips)
require_files() {
  local f
  for f in "$@"; do [ -e "$f" ] || { not_ok "missing $f"; finish; exit 1; }; done
}

# require_tools CMD...: each must be on PATH, else the test fails here
require_tools() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null || { not_ok "$c is needed"; finish; exit 1; }; done
}

finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
}
