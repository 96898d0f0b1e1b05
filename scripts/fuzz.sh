#!/bin/sh
# Build the fuzz targets with clang + libFuzzer (ASan, UBSan) and run each for
# FUZZ_SECONDS (default 60), its corpus seeded from ../shared.
#   usage: scripts/fuzz.sh [TARGET...]     (default: every tests/fuzz target)
set -eu
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(pwd)/../shared}
B=${FUZZ_BUILD:-build-fuzz}
SECS=${FUZZ_SECONDS:-60}
command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
cmake -S . -B "$B" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DVIGIL_FUZZ=ON -DVIGIL_SHARED_DIR="$SHARED" >/dev/null
cmake --build "$B" -j "$(nproc)" >/dev/null
targets=${*:-$(cd tests/fuzz && ls *.c | grep -v replay.c | sed 's/\.c$//')}
for t in $targets; do
	case $t in
	detect) seeds="$SHARED/images/fixtures/os-release $SHARED/images/fixtures/debian" ;;
	layer | image) seeds="$SHARED/images/fixtures/layers/fanal" ;;
	*) seeds="" ;;
	esac
	mkdir -p "$B/corpus/$t"
	echo "== fuzz $t for ${SECS}s" >&2
	# shellcheck disable=SC2086
	"$B/tests/fuzz_$t" -max_total_time="$SECS" -rss_limit_mb=2048 -max_len=1048576 \
		"$B/corpus/$t" $seeds
done
