#!/usr/bin/env bash
# vigil serve's response cache on SQLite: three instances share one store
# file and `vigil db` imports into it meanwhile; every write that can change
# a layer's answer (vulnerability POST/PUT/DELETE, fix DELETE, feed imports,
# a layer deleted and stored again under its name) shows at once in the
# answers an instance keeps, which always equal a computed answer
# (lib/cache_cases.sh).
. "$(dirname "$0")/lib/common.sh"
DSN=$T/store.db
DATABASE="{type: sqlite, options: {source: \"$DSN\"}}"
cache_cleanup() { rm -rf "$T"; }
. "$(dirname "$0")/lib/serve.sh"
. "$(dirname "$0")/lib/cache_cases.sh"

# the two vigil keys this relies on, refused out of range with one line naming them
bad() { sed "s/allowlocalpath: true/allowlocalpath: true, $1/" "$T/a.yaml" >"$T/bad.yaml"; }
bad "responsecache: -1"
expect_exit 2 "clair.api.responsecache: -1 refused" "$VIGIL_BIN" serve --config "$T/bad.yaml"
check "  ... the message names it" grep -qx "vigil: config: clair.api.responsecache: '-1' is not a number in 0..65536" "$T/err"
sed 's/database: {type: sqlite, options: {source: \(.*\)}}/database: {type: sqlite, options: {source: \1, poolsize: 0}}/' "$T/a.yaml" >"$T/bad.yaml"
expect_exit 2 "clair.database.options.poolsize: 0 refused" "$VIGIL_BIN" serve --config "$T/bad.yaml"
check "  ... the message names it" grep -qx "vigil: config: clair.database.options.poolsize: '0' is not a number in 1..256" "$T/err"
finish
