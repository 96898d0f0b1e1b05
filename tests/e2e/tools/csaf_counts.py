#!/usr/bin/env python3
"""Independent counts of what vigil's csaf feed should store from Red Hat CSAF
documents (docs/internals/feed-csaf.md): prints {"Vulnerabilities",
"Records", "Namespaces"} as `vigil db status --format json` reports them.
With --list, prints instead the files that are CSAF documents (one a line)."""
import json
import re
import sys

CPE = re.compile(r'^cpe:(?:/|2\.3:)[ao]:redhat:enterprise_linux:([1-9][0-9]?)(?::|$)')
NEVRA = re.compile(r'^([^:/]+)-(?:([0-9]+):)?([^-:]+)-([^-:]+)\.([^.:/-]+)$')
LISTS = ('fixed', 'known_affected', 'known_not_affected')


def load(path):
    try:
        with open(path, 'rb') as f:
            d = json.load(f)
    except (ValueError, OSError):
        return None
    doc = d.get('document') if isinstance(d, dict) else None
    if not isinstance(doc, dict) or not str(doc.get('category', '')).startswith('csaf_'):
        return None
    return d


def platforms(branches, out):
    for b in branches or []:
        p = b.get('product') or {}
        m = CPE.match(((p.get('product_identification_helper') or {}).get('cpe')) or '')
        if m and p.get('product_id'):
            out[p['product_id']] = int(m.group(1))
        platforms(b.get('branches'), out)


def resolve(pid, plats, rels):
    r = rels.get(pid)
    if r:
        comp, plat = r
        for _ in range(8):
            if plat not in rels:
                break
            plat = rels[plat][1]
        return plats.get(plat), comp
    for i, ch in enumerate(pid):
        if ch == ':' and pid[:i] in plats:
            return plats[pid[:i]], pid[i + 1:]
    return None, None


def name_of(comp):
    """(name, versioned) of a component reference."""
    base, rpm = comp.split('::')[0], False
    m = re.search(r'\.rpm(-|$)', base)
    if m:
        base, rpm = base[:m.start()], True
    m = NEVRA.match(base)
    if m and (m.group(2) is not None or rpm):
        return m.group(1), True
    name = comp.rsplit('/', 1)[-1]
    if len(name) > 4 and name.endswith('.src'):
        name = name[:-4]
    if not name or re.search(r'[\s:]', name):
        return None, False
    return name, False


def count(paths):
    records, ids, nss = set(), set(), set()
    for path in paths:
        d = load(path)
        if d is None:
            continue
        tree = d.get('product_tree') or {}
        plats, rels = {}, {}
        platforms(tree.get('branches'), plats)
        for r in tree.get('relationships') or []:
            fid = (r.get('full_product_name') or {}).get('product_id')
            if fid and r.get('product_reference') and r.get('relates_to_product_reference'):
                rels[fid] = (r['product_reference'], r['relates_to_product_reference'])
        nss.update('rhel:%d' % n for n in plats.values())
        for v in d.get('vulnerabilities') or []:
            cve = v.get('cve') if isinstance(v, dict) else None
            if not isinstance(cve, str) or not cve or re.search(r'\s', cve):
                continue
            for status in LISTS:
                for pid in (v.get('product_status') or {}).get(status) or []:
                    if not isinstance(pid, str):
                        continue
                    major, comp = resolve(pid, plats, rels)
                    if not major:
                        continue
                    name, versioned = name_of(comp)
                    if not name or (status == 'fixed' and not versioned):
                        continue
                    records.add(('rhel:%d' % major, name, cve))
                    ids.add(cve)
    key = lambda ns: (ns.split(':')[0], int(ns.split(':')[1]))
    return {'Vulnerabilities': len(ids), 'Records': len(records),
            'Namespaces': sorted(nss, key=key)}


if __name__ == '__main__':
    if sys.argv[1:2] == ['--list']:
        for p in sys.argv[2:]:
            if load(p) is not None:
                print(p)
    else:
        print(json.dumps(count(sys.argv[1:])))
