#!/usr/bin/env python3
"""Independent counts of what vigil's osv feed should store from OSV records
(docs/internals/feed-osv.md): prints {"Vulnerabilities", "Records",
"Namespaces"} as `vigil db status --format json` reports them. Records are
(ecosystem lowercased, package, id) of entries with ranges or versions, for
records not withdrawn (or withdrawn in the future); distribution ecosystems
("Debian:12") are left out."""
import datetime
import json
import sys

EVENTS = ('introduced', 'fixed', 'last_affected', 'limit')


def good_range(r):
    ev = r.get('events') if isinstance(r, dict) else None
    return (isinstance(r, dict) and r.get('type') in ('SEMVER', 'ECOSYSTEM', 'GIT')
            and isinstance(ev, list) and ev
            and all(isinstance(e, dict) and len(e) == 1 and next(iter(e)) in EVENTS
                    and isinstance(next(iter(e.values())), str) and next(iter(e.values()))
                    for e in ev))


def count(paths):
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S')
    records, ids, nss = set(), set(), set()
    for path in paths:
        with open(path, 'rb') as f:
            d = json.load(f)
        if d.get('withdrawn') and d['withdrawn'][:19] <= now:
            continue
        for a in d.get('affected') or []:
            pkg = a.get('package') or {} if isinstance(a, dict) else {}
            eco, name = pkg.get('ecosystem'), pkg.get('name')
            if not eco or not name or ':' in eco:
                continue
            if not any(good_range(r) for r in a.get('ranges') or []) and \
                    not any(isinstance(v, str) and v for v in a.get('versions') or []):
                continue
            records.add((eco.lower(), name, d['id']))
            ids.add(d['id'])
            nss.add(eco.lower())
    return {'Vulnerabilities': len(ids), 'Records': len(records), 'Namespaces': sorted(nss)}


if __name__ == '__main__':
    print(json.dumps(count(sys.argv[1:])))
