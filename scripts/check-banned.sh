#!/bin/sh
# Fail when library or CLI code calls a banned function (git's banned.h list):
# they overflow, are not thread-safe, or hide errors. Run by ctest as lint/banned.
set -eu
cd "$(dirname "$0")/.."
pattern='\b(strcpy|strcat|sprintf|vsprintf|strtok|gets|atoi|atol|mktemp|gmtime|localtime|strncpy)[[:space:]]*\('
if grep -rnE "$pattern" src include; then
	echo "banned function used above (see scripts/check-banned.sh)" >&2
	exit 1
fi
echo "no banned functions in src/ and include/"
