#!/bin/bash
# vigil serve and vigil scan agree: the same store (the whole Ubuntu tracker,
# the Debian DSA/DLA lists and tracker JSON exports, the Alpine secdb), the
# same images; for every layer stack, the vulnerabilities GET
# /v1/layers/TOP?vulnerabilities gives each feature (Name, Version, vuln Name,
# FixedBy) equal exactly what `vigil scan --format json` finds for the
# packages the feature stands for (dpkg: the source package at its source
# version, from `vigil inspect`; apk: the package itself).
# Images: the Alpine 3.9 / 3.10 / 3.11 images (docker-save, real layers),
# Ubuntu 18.04 texlive with lowered source versions (1,600+ findings), the
# Debian bullseye fixture with lowered source versions against lists and JSON
# together (the JSON's statement wins where both speak).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/serve.sh"
export LC_ALL=C
HERE=$(dirname "$0")
VD="$VIGIL_SHARED/vulndata"
UCT="$VD/ubuntu/ubuntu-cve-tracker"
DEB="$VD/debian"
LISTS=("$DEB/security-tracker/data/DSA/list" "$DEB/security-tracker/data/DLA/list")
JSONS=("$DEB/samples/vunnel/debian.json" "$DEB/samples/clair-v2/fetcher_debian_test.json"
       "$DEB/samples/vuls-data-update/tracker-api/advisory.json")
TI="$IMAGES/fixtures/alpine/trivy-integration/testdata/fixtures/images"
ALPINES=("$TI/alpine-39.tar.gz" "$TI/alpine-310.tar.gz" "$IMAGES/fixtures/alpine/fanal/alpine-311.tar.gz")
for f in "$UCT/active.tar.xz" "$UCT/retired.tar.xz" "${LISTS[@]}" "${JSONS[@]}" "${ALPINES[@]}" \
         "$IMAGES/fixtures/debian/claircore/texlive.status" "$IMAGES/fixtures/debian/bullseye/var/lib/dpkg/status"; do
  [ -e "$f" ] || { not_ok "missing $f"; finish; exit 1; }
done
require_tools python3 curl jq
DB="$T/store.db"
V() { "$VIGIL_BIN" --db "$DB" --quiet "$@"; }
expect_exit 0 "import the Ubuntu tracker, Debian lists and JSON, Alpine secdb" \
  V db import "$UCT/active.tar.xz" "$UCT/retired.tar.xz" "${LISTS[@]}" "${JSONS[@]}" "$VD/alpine/secdb-json"

# Root filesystems made of a dpkg status and an os-release, and their one-layer tars.
mkroot() { # DIR STATUS OS-RELEASE-TEXT
  mkdir -p "$1/etc" "$1/var/lib/dpkg"
  cp "$2" "$1/var/lib/dpkg/status"
  printf '%s\n' "$3" >"$1/etc/os-release"
  tar -cf "$1.tar" -C "$1" etc var
}
python3 "$HERE/tools/mkstatus.py" lower "$IMAGES/fixtures/debian/claircore/texlive.status" >"$T/texlive.status"
mkroot "$T/ubuntu" "$T/texlive.status" 'ID=ubuntu
VERSION_ID="18.04"
VERSION_CODENAME=bionic'
python3 "$HERE/tools/mkstatus.py" lower "$IMAGES/fixtures/debian/bullseye/var/lib/dpkg/status" >"$T/bullseye.status"
mkroot "$T/bullseye" "$T/bullseye.status" 'ID=debian
VERSION_ID="11"
VERSION_CODENAME=bullseye'

serve_config "$T/config.yaml" "$DB"
serve_start "$T/config.yaml"

# post NAME PARENT TAR: index one layer
post() {
  local body
  body=$(jq -cn --arg n "$1" --arg p "$2" --arg path "$3" '{Layer: {Name: $n, ParentName: $p, Path: $path, Format: "Docker"}}')
  curl -s -o "$T/post.out" -w '%{http_code}' -X POST "$U/layers" -d "$body"
}

# compare NAME IMAGE TOP: the server's rows for layer TOP equal the scan's of IMAGE
compare() {
  local name=$1 img=$2 top=$3
  V scan "$img" --format json -o "$T/$name.scan.json" >/dev/null 2>"$T/$name.scan.err"
  V inspect "$img" --format json >"$T/$name.inspect.json" 2>/dev/null
  python3 - "$T/$name.scan.json" "$T/$name.inspect.json" >"$T/$name.want" <<'PY'
import json, sys
scan, insp = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
feat = {}
for p in insp["Packages"]:
    if p["Format"] == "dpkg":
        feat[(p["Name"], p["Version"])] = (p["SourceName"] or p["Name"], p["SourceVersion"] or p["Version"])
    else:
        feat[(p["Name"], p["Version"])] = (p["Name"], p["Version"])
rows = set()
for r in scan.get("Results", []):
    for v in r.get("Vulnerabilities") or []:
        f = feat[(v["PkgName"], v["InstalledVersion"])]
        rows.add("%s\t%s\t%s\t%s" % (f[0], f[1], v["VulnerabilityID"], v.get("FixedVersion") or ""))
print("\n".join(sorted(rows)))
PY
  curl -s "$U/layers/$top?vulnerabilities" >"$T/$name.layer.json"
  jq -r '.Layer.Features[]? as $f | $f.Vulnerabilities[]? | [$f.Name, $f.Version, .Name, (.FixedBy // "")] | @tsv' \
    "$T/$name.layer.json" | sort -u >"$T/$name.got"
  check "$name: the scan finds something ($(wc -l <"$T/$name.want") feature rows)" [ -s "$T/$name.want" ]
  same "$name: the server's feature vulnerabilities equal the scan's findings" "$T/$name.want" "$T/$name.got"
}

check "ubuntu: layer indexed" [ "$(post ubuntu "" "$T/ubuntu.tar")" = 201 ]
compare ubuntu "rootfs:$T/ubuntu" ubuntu
check "bullseye: layer indexed" [ "$(post bullseye "" "$T/bullseye.tar")" = 201 ]
compare bullseye "rootfs:$T/bullseye" bullseye

for img in "${ALPINES[@]}"; do
  name=$(basename "$img" .tar.gz)
  mkdir -p "$T/$name"
  tar -xzf "$img" -C "$T/$name"
  parent=""
  i=0
  for layer in $(jq -r '.[0].Layers[]' "$T/$name/manifest.json"); do
    i=$((i + 1))
    check "$name: layer $i indexed" [ "$(post "$name-$i" "$parent" "$T/$name/$layer")" = 201 ]
    parent="$name-$i"
  done
  compare "$name" "$img" "$parent"
done

serve_stop
finish
