#!/bin/sh
# Install every Debian package that building and testing vigil needs.
# Idempotent and non-interactive: does nothing when all are present, else
# one `apt-get update` and one `apt-get install`.
set -eu

PKGS="build-essential cmake pkg-config ca-certificates
libarchive-dev libcurl4-openssl-dev libjansson-dev libyaml-dev libsqlite3-dev
libpq-dev libmicrohttpd-dev libgnutls28-dev libxml2-dev libssl-dev libzstd-dev zlib1g-dev
libcmocka-dev
clang libclang-rt-14-dev
zstd gzip xz-utils bzip2 tar rpm dpkg jq time python3 python3-yaml sqlite3 openssl curl
chromium fonts-dejavu-core nodejs wrk
postgresql"
# postgresql: the server the PostgreSQL store tests start (tests/e2e/lib/pg.sh);
# installing it starts no cluster we use.

# Report checks (tests/e2e/report_validate.sh): ajv comes from npm. A node
# from another repository may bring its own npm, which Debian's would clash with.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq </dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing </dev/null
