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
. "$(dirname "$0")/lib/cache_cases.sh"
finish
