#!/usr/bin/env python3
"""The findings `vigil scan` must give for an rpm package list of RHEL N
against Red Hat CSAF VEX documents, computed without vigil from PRODUCT.md's
"Red Hat CSAF VEX" rule, with rpm's own order (rpm_expect.vercmp_many).

usage: csaf_expect.py [--kinds] PACKAGES.txt N DOC.json...
(--kinds: print instead "NAME CVE KIND" for each statement on an installed
package, KIND fixed, known_affected or known_not_affected)
PACKAGES.txt: "NAME EPOCH:VERSION-RELEASE ARCH SOURCERPM" lines (rpm -qa).

Only products of RHEL N count (csaf_counts.py resolves product ids through
the product tree: platform CPE cpe:/o|a:redhat:enterprise_linux:N[:...],
relationships, else the "platform:component" prefix). For each vulnerability
and each installed package named by a product id of RHEL N:
  - fixed (name-EPOCH:VERSION-RELEASE.ARCH): affected when installed < that
    EVR; with several fixed EVRs the lowest one above the installed version
    is the FixedVersion (the rule PRODUCT.md gives for OVAL);
  - known_affected: affected, no fix;
  - known_not_affected: nothing.
A package named by both a fixed or known_affected statement and another kind
for one CVE is refused (PRODUCT.md gives no precedence; the test avoids it).
Severity: the vulnerability's threat `impact` for RHEL N's products, else
the document's aggregate_severity: Low, Moderate -> Medium, Important -> High,
Critical. Prints sorted TSV rows: ID, package, installed version, fixed
version ("" when none), Clair severity, status (fixed|affected); versions
as VERSION-RELEASE, EPOCH: only when not 0.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import csaf_counts  # noqa: E402
import rpm_expect  # noqa: E402

SEVERITY = {"low": "Low", "moderate": "Medium", "important": "High", "critical": "Critical"}
EVR = re.compile(r"^(?:([0-9]+):)?([^-:]+)-([^-:]+)\.[^.:/-]+$")


def evr_of(comp, name):
    """"E:V-R" of a versioned component name-E:V-R.ARCH (module suffixes cut)."""
    base = comp.split("::")[0]
    m = re.search(r"\.rpm(-|$)", base)
    if m:
        base = base[:m.start()]
    m = EVR.match(base[len(name) + 1:])
    return "%s:%s-%s" % (m.group(1) or "0", m.group(2), m.group(3))


def tree(doc):
    t = doc.get("product_tree") or {}
    plats, rels = {}, {}
    csaf_counts.platforms(t.get("branches"), plats)
    for r in t.get("relationships") or []:
        fid = (r.get("full_product_name") or {}).get("product_id")
        if fid and r.get("product_reference") and r.get("relates_to_product_reference"):
            rels[fid] = (r["product_reference"], r["relates_to_product_reference"])
    return plats, rels


def severity(doc, vuln, major, plats, rels):
    """The highest impact among the vulnerability's threats on RHEL N products, else aggregate."""
    order = ["Unknown", "Low", "Medium", "High", "Critical"]
    best = None
    for t in vuln.get("threats") or []:
        if t.get("category") != "impact":
            continue
        if not any(csaf_counts.resolve(p, plats, rels)[0] == major for p in t.get("product_ids") or []):
            continue
        sev = SEVERITY.get(str(t.get("details", "")).lower(), "Unknown")
        if best is None or order.index(sev) > order.index(best):
            best = sev
    if best:
        return best
    agg = (doc.get("document") or {}).get("aggregate_severity") or {}
    return SEVERITY.get(str(agg.get("text", "")).lower(), "Unknown")


def statements(major, paths, installed):
    """(name, cve) -> {"fixed": {evr}, "affected": bool, "not": bool, "sev": str}."""
    out = {}
    for path in paths:
        doc = csaf_counts.load(path)
        if doc is None:
            continue
        plats, rels = tree(doc)
        for v in doc.get("vulnerabilities") or []:
            sev = severity(doc, v, major, plats, rels)
            for status in csaf_counts.LISTS:
                for pid in (v.get("product_status") or {}).get(status) or []:
                    m, comp = csaf_counts.resolve(pid, plats, rels)
                    if m != major:
                        continue
                    name, versioned = csaf_counts.name_of(comp)
                    if name not in installed or (status == "fixed" and not versioned):
                        continue
                    s = out.setdefault((name, v["cve"]), {"fixed": set(), "affected": False,
                                                          "not": False, "sev": sev})
                    if status == "fixed":
                        s["fixed"].add(evr_of(comp, name))
                    elif status == "known_affected":
                        s["affected"] = True
                    else:
                        s["not"] = True
    return out


def lowest(evrs):
    """The lowest of several EVRs, in rpm order."""
    pairs = [(a, b) for a in evrs for b in evrs if a != b]
    res = dict(zip(pairs, rpm_expect.vercmp_many(pairs)))
    return next(f for f in evrs if all(res[(f, g)] <= 0 for g in evrs if g != f))


def print_kinds(st):
    for (name, cve), s in sorted(st.items()):
        for kind, on in (("fixed", s["fixed"]), ("known_affected", s["affected"]),
                         ("known_not_affected", s["not"])):
            if on:
                print(name, cve, kind)


def main():
    args = sys.argv[1:]
    only_kinds = args[:1] == ["--kinds"]
    args = args[1:] if only_kinds else args
    pkgs = [ln.split() for ln in open(args[0]) if ln.strip()]
    major = int(args[1])
    installed = {p[0]: p[1] for p in pkgs}
    st = statements(major, args[2:], installed)
    if only_kinds:
        return print_kinds(st)
    pairs = [(installed[n], f) for (n, _), s in st.items() for f in sorted(s["fixed"])]
    cmp = dict(zip(pairs, rpm_expect.vercmp_many(pairs)))
    rows = []
    for (name, cve), s in sorted(st.items()):
        kinds = bool(s["fixed"]) + s["affected"] + s["not"]
        if kinds > 1:
            raise SystemExit("csaf_expect: %s %s has statements of several kinds" % (name, cve))
        have = installed[name]
        above = [f for f in s["fixed"] if cmp[(have, f)] < 0]
        if above:
            low = lowest(sorted(above))
            rows.append((cve, name, rpm_expect.show(have), rpm_expect.show(low), s["sev"], "fixed"))
        elif s["affected"]:
            rows.append((cve, name, rpm_expect.show(have), "", s["sev"], "affected"))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
