#!/usr/bin/env bash
# vigil vercmp: single comparisons, --batch on the shared test vectors (the
# third column is the expected answer), error lines and exit 3, '--' for
# versions starting with '-', usage errors (exit 2), and a throughput floor.
. "$(dirname "$0")/lib/common.sh"
V=$VIGIL_BIN
TV=$VIGIL_SHARED/testvectors

# out NAME WANT CMD...: exit 0 and stdout exactly WANT
out() {
  local name=$1 want=$2 got rc; shift 2
  got=$("$@" 2>"$T/err"); rc=$?
  if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then ok "$name"; else
    not_ok "$name: exit $rc, printed '$got', want '$want'"; head -3 "$T/err"; fi
}

# one_error NAME REGEX CMD...: exit 3, nothing on stdout, ONE stderr line matching REGEX
one_error() {
  local name=$1 re=$2 rc; shift 2
  "$@" >"$T/out" 2>"$T/err"; rc=$?
  if [ "$rc" -ne 3 ]; then not_ok "$name: exit $rc, want 3"
  elif [ -s "$T/out" ]; then not_ok "$name: printed '$(cat "$T/out")'"
  elif [ "$(wc -l <"$T/err")" -ne 1 ]; then not_ok "$name: $(wc -l <"$T/err") stderr lines"; cat "$T/err"
  elif ! grep -Eq -- "$re" "$T/err"; then not_ok "$name: '$(cat "$T/err")' !~ /$re/"
  else ok "$name: $(cat "$T/err")"; fi
}

# --- single comparisons
out "dpkg 1.0 < 1.1" -1 "$V" vercmp dpkg 1.0 1.1
out "dpkg epoch wins" 1 "$V" vercmp dpkg 1:0.1 2.0
out "dpkg 0:1.0 = 1.0" 0 "$V" vercmp dpkg 0:1.0 1.0
out "dpkg tilde before release" -1 "$V" vercmp dpkg 1.0~rc1-1 1.0-1
out "dpkg warning-only version accepted" 1 "$V" vercmp dpkg 7.0-4.el6.x86_64 6.1-3.el6.x86_64
out "rpm caret" 1 "$V" vercmp rpm 1.0^git1 1.0
out "rpm tilde" -1 "$V" vercmp rpm 1.0~rc1 1.0
out "rpm release beats none" -1 "$V" vercmp rpm 1.0 1.0-~
out "rpm split at the last '-'" 1 "$V" vercmp rpm 1.2.3.4 1-2-3-4
out "apk jq 1.6-r0 > 1.6_rc1-r0" 1 "$V" vercmp apk 1.6-r0 1.6_rc1-r0
out "apk revision" -1 "$V" vercmp apk 1.0-r1 1.0-r2
out "global option before the command" 0 "$V" --quiet vercmp apk 1.0 1.0

# --- '--' ends options: versions may start with '-'
out "'--' lets rpm compare '-1'" -1 "$V" vercmp rpm -- -1 0-1
out "'--' before FORMAT" 1 "$V" vercmp -- rpm 1:1 -1
one_error "'--' then a version dpkg refuses" "^vigil: version '-0.6.5' has bad syntax: version number is empty$" \
  "$V" vercmp dpkg -- -0.6.5 0.9.1
expect_exit 2 "'-0.6.5' without '--' is an unknown option" "$V" vercmp dpkg -0.6.5 0.9.1

# --- refused versions: one stderr line naming the version, exit 3
one_error "dpkg empty revision" "^vigil: version '0foo-' has bad syntax: revision number is empty$" \
  "$V" vercmp dpkg 0foo- 0foo
one_error "dpkg nothing after the epoch (B side)" "^vigil: version '1:' has bad syntax: nothing after colon in version number$" \
  "$V" vercmp dpkg 1.0 1:
one_error "dpkg bad epoch" "epoch in version is not number" "$V" vercmp dpkg 1.2:3 1
one_error "dpkg empty version" "version string is empty" "$V" vercmp dpkg "" 1
one_error "dpkg control byte escaped" "^vigil: version '1\\\\x0a2 x' has bad syntax: version string has embedded spaces$" \
  "$V" vercmp dpkg "$(printf '1\n2 x')" 1
one_error "rpm empty version" "^vigil: version '' is invalid" "$V" vercmp rpm "" 1.0
one_error "apk invalid suffix" "^vigil: version '1_foo' is invalid: unknown suffix" "$V" vercmp apk 1_foo 1
one_error "apk '1.0bc'" "^vigil: version '1.0bc' is invalid" "$V" vercmp apk 1.0 1.0bc

# --- usage errors: exit 2
expect_exit 2 "no FORMAT" "$V" vercmp
expect_exit 2 "unknown FORMAT" "$V" vercmp deb 1 2
grep -q "unknown version format 'deb'" "$T/err" && ok "unknown FORMAT named" || not_ok "unknown FORMAT message: $(cat "$T/err")"
expect_exit 2 "one version only" "$V" vercmp dpkg 1.0
expect_exit 2 "three versions" "$V" vercmp dpkg 1 2 3
expect_exit 2 "unknown option" "$V" vercmp dpkg --frobnicate 1 2
expect_exit 2 "--batch with versions" "$V" vercmp dpkg --batch 1 2
expect_exit 0 "--help" "$V" vercmp --help
grep -q "usage: vigil vercmp" "$T/out" && ok "--help prints the usage" || not_ok "--help output"
expect_exit 0 "-h after FORMAT" "$V" vercmp dpkg -h

# --- batch on the shared vectors: every answer equals the third column
batch_vs_expected() {
  local fmt=$1 file=$2 want_rc=$3 rc bad
  "$V" vercmp "$fmt" --batch <"$file" >"$T/got" 2>"$T/err"; rc=$?
  bad=$(paste "$file" "$T/got" | awk -F'\t' '$NF != "error" && $3 != $NF' | head -5)
  if [ "$rc" -ne "$want_rc" ]; then not_ok "batch $fmt $(basename "$file"): exit $rc, want $want_rc"
  elif [ "$(wc -l <"$T/got")" -ne "$(wc -l <"$file")" ]; then not_ok "batch $fmt $(basename "$file"): line count"
  elif [ -n "$bad" ]; then not_ok "batch $fmt $(basename "$file"): $bad"
  else ok "batch $fmt $(basename "$file"): $(wc -l <"$file") rows"; fi
}
batch_vs_expected dpkg "$TV/dpkg-vercmp.tsv" 0
batch_vs_expected dpkg "$TV/dpkg-vercmp-badsyntax.tsv" 0
batch_vs_expected rpm "$TV/rpm-vercmp.tsv" 0
# apk: two rows hold versions apk v3's validator refuses (23_foo, 1.0bc).
batch_vs_expected apk "$TV/apk-vercmp.tsv" 3
n=$(grep -c '^error$' "$T/got")
[ "$n" -eq 2 ] && ok "apk: exactly 2 error lines" || not_ok "apk: $n error lines, want 2"
grep -q "^vigil: line 2: version '23_foo' is invalid" "$T/err" && ok "apk: error names line 2" ||
  not_ok "apk stderr: $(head -2 "$T/err")"

# --- batch: error lines go on, comments and blank lines skipped, exit 3
printf '1.0\t1.1\n# a comment\n\n0foo-\t0foo\nno-tab-here\n2.0\t1.0\textra\tcolumns\n1.0\t1.0\r\n-0.6.5\t1\n1:1\t1' \
  | "$V" vercmp dpkg --batch >"$T/got" 2>"$T/err"; rc=$?
printf -- '-1\nerror\nerror\n1\n0\nerror\n1\n' >"$T/want"
[ "$rc" -eq 3 ] && ok "batch with bad lines exits 3" || not_ok "batch with bad lines: exit $rc"
same "batch results, in order" "$T/want" "$T/got"
[ "$(wc -l <"$T/err")" -eq 3 ] && ok "one stderr line per bad line" || not_ok "stderr: $(cat "$T/err")"
grep -q "^vigil: line 4: version '0foo-' has bad syntax: revision number is empty$" "$T/err" &&
  ok "error names the line" || not_ok "stderr: $(cat "$T/err")"
grep -q "^vigil: line 5: no TAB" "$T/err" && ok "a line without a TAB is an error" || not_ok "stderr: $(cat "$T/err")"
printf '1.0\t1.1\n' | "$V" vercmp rpm --batch >"$T/got" 2>"$T/err" && [ "$(cat "$T/got")" = -1 ] &&
  ok "clean batch exits 0" || not_ok "clean batch"
: | "$V" vercmp apk --batch >"$T/got" 2>&1 && [ ! -s "$T/got" ] && ok "empty input" || not_ok "empty input"

# --- an over-long line (> 1 MiB) is one error line; the next line still counts
{ head -c 2500000 /dev/zero | tr '\0' '1'; printf '\t1\n1\t2\n'; } |
  "$V" vercmp dpkg --batch >"$T/got" 2>"$T/err"; rc=$?
[ "$rc" -eq 3 ] && [ "$(printf 'error\n-1')" = "$(cat "$T/got")" ] && grep -q "line 1: longer than" "$T/err" &&
  ok "over-long line: error, then the next line" || not_ok "over-long line: exit $rc, $(head -c 200 "$T/got")"

# --- batch answers each line before reading the next (usable as a coprocess)
# (bash unsets VC and VC_PID as soon as the coprocess ends: keep copies)
coproc VC { "$V" vercmp dpkg --batch; }
vc_pid=$VC_PID vc_in=${VC[1]} vc_out=${VC[0]}
printf '1\t2\n' >&"$vc_in"
if read -r -t 5 line <&"$vc_out" && [ "$line" = -1 ]; then ok "coprocess gets its answer"; else
  not_ok "coprocess: no answer"; fi
exec {vc_in}>&-
wait "$vc_pid" 2>/dev/null

# --- throughput floor (bench/vercmp.sh measures it properly): 200k lines < 2 s
for i in $(seq 50); do cat "$TV/rpm-vercmp.tsv"; done | head -200000 >"$T/big"
start=$(date +%s%N)
"$V" vercmp rpm --batch <"$T/big" >"$T/got"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$(wc -l <"$T/got")" -eq 200000 ] && [ "$ms" -lt 2000 ] && ok "200000 comparisons in ${ms} ms" ||
  not_ok "200000 comparisons took ${ms} ms"
finish
