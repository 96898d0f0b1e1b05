#!/bin/bash
# vigil serve's updater makes notifications for feed changes, as Clair's did:
# the alpine-310 image's layer is stored through the API; the updater (every
# second, clair.updater.feeds: [alpine], clair.updater.mirror) then reads a
# changed secdb in which
#   X: an ID affecting the layer appears (it was missing)   -> Old none, New with the layer
#   Y: an ID affecting the layer disappears                 -> Old with the layer, New none
#   Z: an ID's fixed version drops below the installed one  -> Old with the layer, New without
#   W: the same for a package the secdb names by its origin
#      (libssl1.1 is openssl's)                             -> Old with the layer, New without
#   an ID of a package the image does not have changes      -> no notification
# and exactly those four notifications reach the webhook, each once, and
# GET /v1/notifications/NAME shows them. The first import (before the layer
# existed) and no-change runs make none (and read no snapshot).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/serve.sh"
TI="$IMAGES/fixtures/alpine/trivy-integration/testdata/fixtures/images/alpine-310.tar.gz"
ALP="$VIGIL_SHARED/vulndata/alpine/secdb-json"
require_files "$TI" "$ALP"
require_tools python3 curl jq

mkdir -p "$T/m/alpine"
alpine310_layer
LAYER=$ALPINE_LAYER
cp -r "$ALP" "$T/m/alpine/"
MAIN="$T/m/alpine/secdb-json/v3.10/main.json"
cp "$MAIN" "$T/main.orig.json"

# Pick X, Y, Z among the image's findings with a fixed version (vigil scan on the original data).
"$VIGIL_BIN" --db "$T/pick.db" db import --feed alpine "$ALP/v3.10" >/dev/null 2>&1
"$VIGIL_BIN" --db "$T/pick.db" scan "$TI" --format json -o "$T/scan.json" >/dev/null 2>&1
python3 - "$T/scan.json" "$MAIN" "$T" <<'PY'
import json, sys
scan, main, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
# IDs that appear exactly once in the branch's main.json, so one edit changes them
count = {}
for p in main["packages"]:
    for ids in p["pkg"]["secfixes"].values():
        for i in ids:
            count[i.split()[0]] = count.get(i.split()[0], 0) + 1
# Clair's apk features are binary packages: take those whose name is the secdb's (the origin)
names = {p["pkg"]["name"] for p in main["packages"]}
found = {}
for v in scan["Results"][0]["Vulnerabilities"]:
    if v.get("FixedVersion") and count.get(v["VulnerabilityID"]) == 1 and v["PkgName"] in names:
        found.setdefault(v["PkgName"], v["VulnerabilityID"])
pk = sorted(found)
assert len(pk) >= 3, pk
x, y, z = found[pk[0]], found[pk[1]], found[pk[2]]
# w: a finding of a package known by its origin only
w = next(v["VulnerabilityID"] for v in scan["Results"][0]["Vulnerabilities"]
         if v.get("FixedVersion") and count.get(v["VulnerabilityID"]) == 1
         and v["PkgName"] not in names and v["VulnerabilityID"] not in (x, y, z))
installed = {v["PkgName"] for v in scan["Results"][0]["Vulnerabilities"]}
def strip(ident):   # remove the ID from its secfixes list
    for p in main["packages"]:
        for k, ids in p["pkg"]["secfixes"].items():
            p["pkg"]["secfixes"][k] = [i for i in ids if i.split()[0] != ident]
def move(ident, version):
    strip(ident)
    for p in main["packages"]:
        if any(ident in i for ids in orig_secfixes(p) for i in ids):
            p["pkg"]["secfixes"].setdefault(version, []).append(ident)
orig = json.load(open(sys.argv[2]))
def orig_secfixes(p):
    for q in orig["packages"]:
        if q["pkg"]["name"] == p["pkg"]["name"]:
            return q["pkg"]["secfixes"].values()
    return []
# other: an ID only of a package the image does not have
other = next(i.split()[0] for p in orig["packages"] if p["pkg"]["name"] not in installed
             for ids in p["pkg"]["secfixes"].values() for i in ids if count.get(i.split()[0]) == 1)
before = json.loads(json.dumps(orig))
main = before; strip(x)
json.dump(before, open(out + "/before.json", "w"))
main = json.loads(json.dumps(orig)); move(z, "0.0.1-r0"); move(w, "0.0.1-r0"); strip(y); strip(other)
json.dump(main, open(out + "/after.json", "w"))
open(out + "/xyz", "w").write("%s %s %s %s %s\n" % (x, y, z, w, other))
PY
check "picked four findings of the image and an unrelated ID" test -s "$T/xyz"
read -r X Y Z W OTHER <"$T/xyz"
echo "# X=$X Y=$Y Z=$Z W=$W other=$OTHER"

# The store: the "before" data, imported as a first update would.
cp "$T/before.json" "$MAIN"
"$VIGIL_BIN" --db "$T/store.db" db update --feed alpine --mirror "$T/m" >/dev/null 2>&1
check "first import of the before data" [ $? -eq 0 ]

# webhook receiver: one line per POST body
cat >"$T/hook.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "ab") as f: f.write(body + b"\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
: >"$T/hooks"
python3 "$T/hook.py" "$T/hookport" "$T/hooks" &
HOOK=$!
for _ in $(seq 50); do [ -s "$T/hookport" ] && break; sleep 0.1; done
cat >"$T/config.yaml" <<YAML
clair:
  database: {type: sqlite, options: {source: "$T/store.db"}}
  api: {port: 0, healthport: 0, bind: 127.0.0.1, allowlocalpath: true}
  updater:
    interval: 1s
    feeds: [alpine]
    mirror: "$T/m"
  notifier:
    pollinterval: 100ms
    http: {endpoint: "http://127.0.0.1:$(cat "$T/hookport")/notify"}
YAML
serve_start "$T/config.yaml"
trap 'kill $PID $HOOK 2>/dev/null; wait $PID $HOOK 2>/dev/null; rm -rf "$T"' EXIT

code=$(curl -s -o "$T/post" -w '%{http_code}' -X POST "$U/layers" -d "{\"Layer\":{\"Name\":\"alp310\",\"Path\":\"$LAYER\",\"Format\":\"Docker\"}}")
check "layer stored (201)" [ "$code" = 201 ]
curl -s "$U/layers/alp310?vulnerabilities" >"$T/l1.json"
has() { jq -e --arg id "$1" '[.Layer.Features[].Vulnerabilities[]?.Name] | index($id) != null' "$2" >/dev/null; }
check "before: Y, Z and W affect the layer, X does not" bash -c "$(declare -f has); has $Y $T/l1.json && has $Z $T/l1.json && has $W $T/l1.json && ! has $X $T/l1.json"
# let the updater run with unchanged data a few times: no notification
sleep 2.5
check "no-change updates make no notification" [ ! -s "$T/hooks" ]
check "the updater ran" grep -q '"Event":"updating feeds"' "$T/server.log"
check "  ... and read no feed findings: nothing was new" [ "$(grep -c '"Event":"reading feed findings before the import"' "$T/server.log")" = 0 ]

cp "$T/after.json" "$MAIN"
for _ in $(seq 100); do [ "$(wc -l <"$T/hooks")" -ge 4 ] && break; sleep 0.1; done
sleep 1.5 # more would be a defect: give it the time to show
check "four notifications delivered ($(wc -l <"$T/hooks"))" [ "$(wc -l <"$T/hooks")" -eq 4 ]
check "each delivered once" [ "$(jq -r .Notification.Name "$T/hooks" | sort -u | wc -l)" -eq 4 ]
check "the log counts them" grep -q '"Event":"notifications created".*"count":4' "$T/server.log"
check "the findings were read once, before that import" [ "$(grep -c '"Event":"reading feed findings before the import"' "$T/server.log")" = 1 ]
: >"$T/summary"
for n in $(jq -r .Notification.Name "$T/hooks"); do
	curl -s "$U/notifications/$n?limit=100" >"$T/n.json"
	jq -r '[(.Notification.Old.Vulnerability.Name // .Notification.New.Vulnerability.Name),
	        (if .Notification.Old then "old:" + ((.Notification.Old.LayersIntroducingVulnerability // []) | join(",")) else "old:none" end),
	        (if .Notification.New then "new:" + ((.Notification.New.LayersIntroducingVulnerability // []) | join(",")) else "new:none" end)] | join(" ")' \
		"$T/n.json" >>"$T/summary"
done
sort "$T/summary" -o "$T/summary"
printf '%s\n' "$X old:none new:alp310" "$Y old:alp310 new:none" "$Z old:alp310 new:" "$W old:alp310 new:" |
  sort >"$T/want"
same "the notifications: X new, Y gone, Z and W fixed below the installed version" "$T/want" "$T/summary"
curl -s "$U/layers/alp310?vulnerabilities" >"$T/l2.json"
check "after: X affects the layer, Y, Z and W do not" bash -c "$(declare -f has); has $X $T/l2.json && ! has $Y $T/l2.json && ! has $Z $T/l2.json && ! has $W $T/l2.json"
check "the snapshot rows are not current vulnerabilities" \
	[ "$(curl -s "$U/namespaces/alpine:v3.10/vulnerabilities?limit=100" | jq '.Vulnerabilities | length')" = 0 ]

serve_stop

# a feed name the updater does not know: startup refuses the config, naming it
sed 's/feeds: \[alpine\]/feeds: [alpine, nosuch]/' "$T/config.yaml" >"$T/bad.yaml"
expect_exit 2 "clair.updater.feeds with an unknown feed" "$VIGIL_BIN" serve --config "$T/bad.yaml"
check "  ... the message names it" grep -qx "vigil: config: clair.updater.feeds: unknown feed 'nosuch'" "$T/err"
finish
