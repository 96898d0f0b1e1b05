#!/usr/bin/env bash
# Differential test: thousands of seeded random and near-miss version pairs,
# compared by `vigil vercmp --batch` and by the real tools: every pair through
# `dpkg --compare-versions` (answers and refusal reasons), and through rpm
# 4.18's rpm.vercmp in one `rpm --eval` Lua run. Any difference fails and is
# shown. VERCMP_SEED replays another seed.
. "$(dirname "$0")/lib/common.sh"
seed=${VERCMP_SEED:-20240601}
if python3 "$(dirname "$0")/tools/vercmp_diff.py" "$VIGIL_BIN" --seed "$seed" \
	--dpkg-pairs "${VERCMP_DPKG_PAIRS:-3000}" --rpm-pairs "${VERCMP_RPM_PAIRS:-30000}" \
	>"$T/diff.out" 2>&1; then
	sed 's/^/    /' "$T/diff.out"
	ok "vigil vercmp agrees with dpkg and rpm (seed $seed)"
else
	sed 's/^/    /' "$T/diff.out"
	not_ok "vigil vercmp differs from dpkg or rpm (seed $seed)"
fi
finish
