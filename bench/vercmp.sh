#!/usr/bin/env bash
# Throughput of `vigil vercmp FORMAT --batch` (not a test): for each format,
# the shared test vector rows repeated to ~2M lines, best of RUNS runs; prints
# comparisons per second (each line is two checks and one comparison). The
# target is >= 1M/s.   usage: bench/vercmp.sh [VIGIL] [SHARED]
set -euo pipefail
VIGIL=$(realpath "${1:-build/vigil}")
SHARED=$(realpath "${2:-../shared}")
RUNS=${RUNS:-3}
LINES=${LINES:-2000000}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

printf '%-6s %10s %9s %14s\n' format lines best_s comparisons/s
for fmt in dpkg rpm apk; do
	src="$SHARED/testvectors/$fmt-vercmp.tsv"
	# Only the pairs vigil compares (apk's file has two rows apk v3 refuses).
	"$VIGIL" vercmp "$fmt" --batch <"$src" 2>/dev/null | paste "$src" - |
		awk -F'\t' '$NF != "error"' | cut -f1,2 >"$TMP/rows" || true
	rows=$(wc -l <"$TMP/rows")
	for ((i = 0; i < (LINES + rows - 1) / rows; i++)); do cat "$TMP/rows"; done >"$TMP/rep"
	head -n "$LINES" "$TMP/rep" >"$TMP/in"
	n=$(wc -l <"$TMP/in")
	best=""
	for ((r = 0; r < RUNS; r++)); do
		start=$(date +%s%N)
		"$VIGIL" vercmp "$fmt" --batch <"$TMP/in" >"$TMP/out"
		ns=$(($(date +%s%N) - start))
		if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
	done
	[ "$(wc -l <"$TMP/out")" -eq "$n" ] || { echo "$fmt: wrong output line count" >&2; exit 1; }
	awk -v f="$fmt" -v n="$n" -v ns="$best" \
		'BEGIN { printf "%-6s %10d %9.3f %14.0f\n", f, n, ns / 1e9, n / (ns / 1e9) }'
done
