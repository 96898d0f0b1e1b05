#!/bin/bash
# vigil serve's Prometheus metrics (/metrics and Clair's /v1/metrics): valid
# text exposition; request counts and latency histograms by route and status
# that count exactly the requests this test made; layers analysed by
# outcome; feed ages and record counts read from the store; response cache
# hits and misses; no database error.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/serve.sh"
ALP="$VIGIL_SHARED/vulndata/alpine/secdb-json/v3.10"
require_files "$ALP"
require_tools python3 curl jq
alpine310_layer
LAYER=$ALPINE_LAYER
"$VIGIL_BIN" --db "$T/store.db" db import --feed alpine "$ALP" >/dev/null 2>&1
check "feed imported" [ $? -eq 0 ]
RECORDS=$("$VIGIL_BIN" --db "$T/store.db" db status --format json | jq '.Feeds[] | select(.Name == "alpine") | .Records')

serve_config "$T/config.yaml" "$T/store.db"
serve_start "$T/config.yaml"
U="http://127.0.0.1:$API"

post() { curl -s -o /dev/null -w '%{http_code}' -X POST "$U/v1/layers" -d "{\"Layer\":{\"Name\":\"$1\",\"Path\":\"$2\",\"Format\":\"Docker\"}}"; }
check "layer stored (201)" [ "$(post alp310 "$LAYER")" = 201 ]
check "missing layer file (400)" [ "$(post nofile "$T/nope.tar")" = 400 ]
for _ in 1 2 3; do curl -s -o /dev/null "$U/v1/layers/alp310?vulnerabilities"; done
curl -s -o /dev/null "$U/v1/layers/unknown"
curl -s "$U/metrics" >"$T/m1"
curl -s "$U/v1/metrics" >"$T/m2"
check "/metrics and /v1/metrics both answer" [ -s "$T/m1" ] && [ -s "$T/m2" ]

python3 - "$T/m1" "$RECORDS" <<'PY'
import re, sys
text, records = open(sys.argv[1]).read(), int(sys.argv[2])
line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})? (-?[0-9.eE+-]+|\+Inf)$')
samples, types, fails = {}, {}, []
for ln in text.splitlines():
    if ln.startswith("# TYPE "):
        _, _, name, kind = ln.split(" ", 3); types[name] = kind; continue
    if ln.startswith("# HELP ") or not ln:
        continue
    m = line_re.match(ln)
    if not m:
        fails.append("bad line: " + ln); continue
    key, val = ln.rsplit(" ", 1)
    samples[key] = float(val)
def want(key, value):
    got = samples.get(key)
    if got != value: fails.append("%s = %s, want %s" % (key, got, value))
h = "clair_api_response_duration_milliseconds"
want(h + '_count{code="201",route="v1/postLayer"}', 1)
want(h + '_count{code="400",route="v1/postLayer"}', 1)
want(h + '_count{code="200",route="v1/getLayer"}', 3)
want(h + '_count{code="404",route="v1/getLayer"}', 1)
want('vigil_layers_analysed_total{result="ok"}', 1)
want('vigil_layers_analysed_total{result="error"}', 1)
want('vigil_db_errors_total', 0)
want('vigil_feed_records{feed="alpine"}', records)
# three GETs of one layer: the first computes its answer, the next two are kept ones
want('vigil_response_cache_requests_total{result="miss"}', 1)
want('vigil_response_cache_requests_total{result="hit"}', 2)
if not samples.get('vigil_response_cache_bytes', 0) > 0: fails.append("no bytes kept")
want('vigil_db_pool_waiting', 0) # nothing in flight but this scrape
age = samples.get('vigil_feed_age_seconds{feed="alpine"}')
if age is None or not 0 <= age < 600: fails.append("alpine feed age %s" % age)
# every histogram: buckets non-decreasing, +Inf equals _count
for key, v in samples.items():
    if key.startswith(h + "_count"):
        labels = key[len(h + "_count"):]
        bs = sorted(((float(k.split('le="')[1].split('"')[0]) if 'le="+Inf"' not in k else float("inf")), c)
                    for k, c in samples.items() if k.startswith(h + "_bucket" + labels[:-1] + ","))
        counts = [c for _, c in bs]
        if counts != sorted(counts) or not bs or bs[-1][1] != v:
            fails.append("histogram %s not cumulative" % labels)
for name in ("vigil_feed_age_seconds", "vigil_layers_analysed_total", h,
             "vigil_response_cache_requests_total", "vigil_response_cache_bytes",
             "vigil_db_pool_waiting"):
    if name not in types: fails.append("no # TYPE for " + name)
print("\n".join(fails) or "metrics ok")
sys.exit(1 if fails else 0)
PY
check "metrics: exposition valid, counts exact, feed age and records" [ $? -eq 0 ]
F='_seconds\|getMetrics\|route="metrics"'
grep -v "$F" "$T/m1" >"$T/m1s"; grep -v "$F" "$T/m2" >"$T/m2s"
same "/v1/metrics shows the same series" "$T/m1s" "$T/m2s"
serve_stop
finish
