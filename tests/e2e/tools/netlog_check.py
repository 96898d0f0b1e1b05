#!/usr/bin/env python3
"""Read a Chromium net log (--log-net-log) and list the network requests a
page made: URL requests whose initiator is an origin (a page, "null" for
file://). The browser's own background requests carry the initiator
"not an origin" and are ignored. Prints each page request and exits 1 when
there is one, 0 when there is none."""
import json
import sys


def main(path):
    log = json.load(open(path))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    found = []
    for ev in log["events"]:
        params = ev.get("params") or {}
        if names.get(ev["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if params.get("initiator", "not an origin") != "not an origin":
            found.append("%s (initiator %s)" % (params["url"], params["initiator"]))
    for f in found:
        print("page request: " + f)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
