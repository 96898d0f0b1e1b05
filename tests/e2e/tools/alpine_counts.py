#!/usr/bin/env python3
"""Independent counts of Alpine secdb files, as `vigil db status` must report
them: {"Vulnerabilities": distinct IDs, "Records": distinct (namespace,
package, ID), "Namespaces": sorted list}. An ID is the first whitespace-
separated token of a secfixes item. usage: alpine_counts.py FILE..."""
import json
import re
import sys

import yaml


def natural(s):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.lstrip()[:1] in (b"{", b"["):
        return json.loads(data)
    return yaml.load(data, Loader=yaml.BaseLoader)  # every scalar a string


ids, records, namespaces = set(), set(), set()
for path in sys.argv[1:]:
    doc = load(path)
    ns = "alpine:" + doc["distroversion"]
    namespaces.add(ns)
    pkgs = doc.get("packages") or []
    if isinstance(pkgs, dict):
        pkgs = []
    for entry in pkgs:
        pkg = entry["pkg"]
        for items in (pkg.get("secfixes") or {}).values():
            if not isinstance(items, list):
                continue
            for item in items:
                if isinstance(item, str) and item.split():
                    vid = item.split()[0]
                    ids.add(vid)
                    records.add((ns, pkg["name"], vid))
print(json.dumps({"Vulnerabilities": len(ids), "Records": len(records),
                  "Namespaces": sorted(namespaces, key=natural)}, sort_keys=True))
