#!/usr/bin/env bash
# The report writers' output checked by outside tools. The unit-test program
# unit_lib_report_files (built beside vigil, in tests/) writes every format of
# four scan results (hostile strings, plain findings, no findings, a root
# filesystem without OS or diff_ids) into a directory; then:
#  - SARIF and CycloneDX must validate against the official schemas in
#    shared/spec/schemas with ajv (installed from npm into the build tree's
#    tools/ when absent), and the spec's broken examples must not;
#  - the HTML page is rendered by headless Chromium: a non-blank screenshot,
#    its script ran (filters preset from the URL fragment give the expected
#    row counts), the hostile <script> stayed text, and the page made no
#    network request (Chromium's net log, checked against a control page that
#    does make some).
# Fails, never skips, when a tool is missing or a check fails.
. "$(dirname "$0")/lib/common.sh"
BUILD=$(cd "$(dirname "$VIGIL_BIN")" && pwd)
WRITER="$BUILD/tests/unit_lib_report_files"
SCHEMAS="$VIGIL_SHARED/spec/schemas"
TOOLS_PY="$(dirname "$0")/tools"
OUT="$T/reports"

fail_now() { not_ok "$*"; finish; exit 1; }

[ -x "$WRITER" ] || fail_now "no $WRITER (build the unit tests first)"
VIGIL_REPORT_OUT="$OUT" "$WRITER" >"$T/writer.log" 2>&1 || {
  sed 's/^/    /' "$T/writer.log" | tail -20; fail_now "unit_lib_report_files failed"; }
ok "reports written ($(ls "$OUT" | wc -l) files)"

# ---- ajv (pinned: the versions shared/spec/schemas/README.md was tested with) ----
TOOLS="$BUILD/tools"
AJV="$TOOLS/node_modules/.bin/ajv"
if [ ! -x "$AJV" ]; then
  command -v npm >/dev/null || fail_now "npm missing (scripts/install-deps.sh)"
  mkdir -p "$TOOLS"
  # npm's cache inside the build tree too: nothing outside it is touched
  (cd "$TOOLS" && export npm_config_cache="$TOOLS/.npm-cache" &&
    { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --loglevel=error ajv@8.20.0 ajv-formats@3.0.1 ajv-cli@5.0.0) \
    >"$T/npm.log" 2>&1 || { sed 's/^/    /' "$T/npm.log" | tail -10; fail_now "npm install ajv"; }
fi

# validate KIND WANT FILE...: one ajv run; it must print "FILE WANT" for every FILE
validate() {
  local kind=$1 want=$2 args f; shift 2
  if [ "$kind" = sarif ]; then
    args=(-s sarif/sarif-schema-2.1.0.draft-07.json)
  else
    args=(--strict=false -s cyclonedx/bom-1.5.schema.json -r cyclonedx/spdx.schema.json
      -r cyclonedx/jsf-0.82.schema.json)
  fi
  for f in "$@"; do args+=(-d "$f"); done
  (cd "$SCHEMAS" && "$AJV" validate --spec=draft7 -c ajv-formats --all-errors --errors=text \
    "${args[@]}") >"$T/ajv-$kind-$want.out" 2>&1
  for f in "$@"; do
    if grep -qxF "$f $want" "$T/ajv-$kind-$want.out"; then ok "$kind: $(basename "$f") $want"
    else not_ok "$kind: $(basename "$f") not $want"
      grep -v '^unknown format' "$T/ajv-$kind-$want.out" | head -6 | sed 's/^/    /'; fi
  done
}
# four ajv runs at once (node is slow to start); the broken examples show the
# validator really validates
validate sarif valid "$OUT"/{alpine,debian,clean,rootfs}-sarif.json >"$T/v1" &
validate cyclonedx valid "$OUT"/{alpine,debian,clean,rootfs}-cyclonedx.json >"$T/v2" &
validate sarif invalid "$SCHEMAS"/examples/sarif-2.1.0-invalid-{result,uri}.json >"$T/v3" &
validate cyclonedx invalid "$SCHEMAS"/examples/cyclonedx-1.5-invalid-{severity,timestamp}.json \
  >"$T/v4" &
wait
# counted here: the subshells' counters are lost
while read -r line; do
  case $line in ok\ -*) ok "${line#ok - }" ;; not\ ok\ -*) not_ok "${line#not ok - }" ;;
    *) echo "$line" ;; esac
done < <(cat "$T"/v1 "$T"/v2 "$T"/v3 "$T"/v4)

# ---- the HTML page in headless Chromium ----
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROME" ] || fail_now "chromium missing (scripts/install-deps.sh)"
# chrome NAME ARGS... : one headless run, its own profile and net log $T/NAME.netlog
chrome() {
  local name=$1; shift
  timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --no-default-browser-check --disable-extensions --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$T/profile-$name" \
    --host-resolver-rules="MAP * ~NOTFOUND" --log-net-log="$T/$name.netlog" \
    --window-size=1024,768 "$@" 2>"$T/$name.err"
}
PAGE="file://$OUT/alpine-html.html"

# static: nothing in the page can fetch
if grep -qiE '<(link|img|iframe|object|embed|base)[ >]|<script [^>]*src=|url\(|@import' \
  "$OUT"/*-html.html; then not_ok "html: external asset reference"; else ok "html: no asset references"; fi
if grep -q 'href="javascript' "$OUT/alpine-html.html"; then not_ok "html: javascript: link"
else ok "html: hostile link not a link"; fi

printf '<!DOCTYPE html><img src="http://vigil-control.example.invalid/x.png">\n' >"$T/control.html"
# every load at once, each with its own profile and net log
chrome shot --screenshot="$T/shot.png" "$PAGE" >/dev/null &
chrome all --dump-dom "$PAGE" >"$T/all.dom" &
chrome musl --dump-dom "$PAGE#q=musl" >"$T/musl.dom" &
chrome medium --dump-dom "$PAGE#sev=Medium" >"$T/medium.dom" &
chrome hostile --dump-dom "$PAGE#q=script&sev=Defcon1" >"$T/hostile.dom" &
chrome sorted --dump-dom "$PAGE#sort=3" >"$T/sorted.dom" &
chrome control --dump-dom "file://$T/control.html" >/dev/null &
wait

if [ -s "$T/shot.png" ] && python3 "$TOOLS_PY/png_check.py" "$T/shot.png" >"$T/png.out" 2>&1
then ok "html: screenshot not blank ($(cat "$T/png.out"))"; else
  not_ok "html: screenshot missing or blank"; sed 's/^/    /' "$T/png.out" "$T/shot.err" | tail -5; fi

# dom NAME FRAGMENT WANT: the page's own script ran and shows WANT rows
dom() {
  if grep -q 'data-ready="true"' "$T/$1.dom" && grep -qF "$3" "$T/$1.dom"; then
    ok "html: #$2 -> $3"; else not_ok "html: #$2: want '$3'"
    grep -o 'Showing [0-9]* of [0-9]*' "$T/$1.dom" | sed 's/^/    /'; fi
}
dom all "" "Showing 4 of 4"
dom musl "q=musl" "Showing 2 of 4"
dom medium "sev=Medium" "Showing 2 of 4"
dom hostile "q=script&sev=Defcon1" "Showing 1 of 4"
dom sorted "sort=3" "Showing 4 of 4"
# sorted by severity (column 3, most severe first): Defcon1, Medium, Medium, Negligible
if [ "$(grep -o '<tr data-sev="[A-Za-z0-9]*"' "$T/sorted.dom" | cut -d'"' -f2 | tr '\n' ' ')" = \
  "Defcon1 Medium Medium Negligible " ]; then ok "html: sort by severity"
else not_ok "html: sort by severity"; fi
if [ "$(grep -o '<script' "$T/all.dom" | wc -l)" -eq 1 ] && grep -q '&lt;script&gt;alert(1)' "$T/all.dom"
then ok "html: hostile <script> stayed text"; else not_ok "html: hostile <script> became markup"; fi

bad=0
for log in shot all musl medium hostile sorted; do
  if ! python3 "$TOOLS_PY/netlog_check.py" "$T/$log.netlog" >"$T/net.out"; then
    bad=1; not_ok "html: page made network requests ($log)"; sed 's/^/    /' "$T/net.out"; fi
done
[ "$bad" -eq 0 ] && ok "html: no network request from the page (6 loads)"
# control: the net-log check does see a page's requests
if python3 "$TOOLS_PY/netlog_check.py" "$T/control.netlog" >/dev/null; then
  not_ok "html: net-log check missed the control page's request"; else
  ok "html: net-log check sees a control page's request"; fi
finish
