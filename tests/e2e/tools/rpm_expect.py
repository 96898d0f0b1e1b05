#!/usr/bin/env python3
"""The findings `vigil scan` must give for an rpm package list against
RHEL-family OVAL files, computed without vigil from PRODUCT.md's RHEL rule,
with rpm's own order (rpm.vercmp through `rpm --eval` lua, all pairs in one
call).

usage: rpm_expect.py PACKAGES.txt OVAL...   (OVAL plain, .xz or .bz2)
       rpm_expect.py --check RPM_VERCMP.tsv
PACKAGES.txt: "NAME EPOCH:VERSION-RELEASE ARCH SOURCERPM" lines (the
fixtures' own listing). Every rpminfo_test referenced under a definition whose
state has an evr "less than" F: the object's package is affected when its
EVR < F and its arch matches the state's arch pattern (if any); IDs are the
definition's CVE references and advisory <cve>s, else its RHSA/RLSA/ALSA/ELSA
reference; the lowest F above the installed EVR wins per (package, ID);
severity from the advisory (Low, Moderate, Important, Critical, in any case:
Oracle writes MODERATE).
Prints sorted TSV rows: ID, package, installed version, fixed version, Clair
severity, status ("fixed"); versions as VERSION-RELEASE, EPOCH: only when
the epoch is not 0.
"""
import bz2
import lzma
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SEVERITY = {"low": "Low", "moderate": "Medium", "important": "High", "critical": "Critical"}
ADVISORY = ("rhsa", "rlsa", "alsa", "elsa")


def vercmp_many(pairs):
    """rpm.vercmp(a, b) for every pair, in one rpm process."""
    if not pairs:
        return []
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        for a, b in pairs:
            f.write("%s\t%s\n" % (a, b))
        path = f.name
    # rpm's lua print() adds no newline: one space-separated line
    lua = ('%%{lua: local r = {} for line in io.lines("%s") do '
           'local a, b = line:match("^(%%S+)%%s+(%%S+)$") '
           'r[#r + 1] = rpm.vercmp(a, b) end print(table.concat(r, " "))}' % path)
    try:
        out = subprocess.run(["rpm", "--eval", lua], check=True, capture_output=True,
                             text=True).stdout.split()
    finally:
        os.unlink(path)
    if len(out) != len(pairs):
        raise SystemExit("rpm_expect: rpm gave %d results for %d pairs" % (len(out), len(pairs)))
    return [int(x) for x in out]


def check(path):
    rows = [ln.rstrip("\n").split("\t") for ln in open(path, encoding="utf-8")
            if ln.strip() and not ln.startswith("#")]
    got = vercmp_many([(r[0], r[1]) for r in rows])
    bad = [(r, g) for r, g in zip(rows, got) if g != int(r[2])]
    for r, g in bad[:10]:
        print("rpm_expect: %s vs %s: %d, want %s" % (r[0], r[1], g, r[2]), file=sys.stderr)
    return not bad and len(rows) > 0


def local(tag):
    return tag.rsplit("}", 1)[-1]


def read(path):
    if path.endswith(".xz"):
        return lzma.open(path).read()
    if path.endswith(".bz2"):
        return bz2.open(path).read()
    return open(path, "rb").read()


def show(evr):
    epoch, vr = evr.split(":", 1) if ":" in evr else ("0", evr)
    return vr if epoch in ("", "0") else epoch + ":" + vr


def oval(path):
    """[(package, F, arch pattern or None, ID, severity)] of one file."""
    root = ET.fromstring(read(path))
    tests, objects, states = {}, {}, {}
    for el in root.iter():
        name = local(el.tag)
        if name == "rpminfo_test":
            o = s = None
            for ch in el:
                if local(ch.tag) == "object":
                    o = ch.get("object_ref")
                elif local(ch.tag) == "state":
                    s = ch.get("state_ref")
            tests[el.get("id")] = (o, s)
        elif name == "rpminfo_object":
            for ch in el:
                if local(ch.tag) == "name":
                    objects[el.get("id")] = (ch.text or "").strip()
        elif name == "rpminfo_state":
            evr = arch = None
            for ch in el:
                if local(ch.tag) == "evr" and ch.get("operation") == "less than":
                    evr = (ch.text or "").strip()
                elif local(ch.tag) == "arch" and (ch.text or "").strip():
                    arch = ch.text.strip()
            states[el.get("id")] = (evr, arch)
    out = []
    for d in root.iter():
        if local(d.tag) != "definition":
            continue
        cves, adv, sev = [], [], "Unknown"
        for el in d.iter():
            t = local(el.tag)
            if t == "reference":
                if el.get("source") == "CVE":
                    cves.append(el.get("ref_id"))
                elif (el.get("source") or "").lower() in ADVISORY:
                    adv.append(el.get("ref_id"))
            elif t == "cve" and (el.text or "").strip():
                cves.append(el.text.strip())
            elif t == "severity":
                sev = SEVERITY.get((el.text or "").strip().lower(), "Unknown")
        ids = sorted(set(cves)) or sorted(set(adv))
        for c in d.iter():
            if local(c.tag) != "criterion" or c.get("test_ref") not in tests:
                continue
            o, s = tests[c.get("test_ref")]
            if o not in objects or s not in states or states[s][0] is None:
                continue
            for vid in ids:
                out.append((objects[o], states[s][0], states[s][1], vid, sev))
    return out


def main():
    if sys.argv[1] == "--check":
        sys.exit(0 if check(sys.argv[2]) else 1)
    pkgs = {}
    for line in open(sys.argv[1], encoding="utf-8"):
        w = line.split()
        if len(w) >= 3:
            pkgs.setdefault(w[0], []).append((w[1], w[2]))
    stmts = []
    for path in sys.argv[2:]:
        stmts += [s for s in oval(path) if s[0] in pkgs]
    cands = []
    for name, fixed, arch, vid, sev in stmts:
        for evr, parch in pkgs[name]:
            if arch is None or re.search(arch, parch):
                cands.append((name, evr, fixed, vid, sev))
    res = vercmp_many([(evr, fixed) for _, evr, fixed, _, _ in cands])
    best = {}
    for (name, evr, fixed, vid, sev), r in zip(cands, res):
        if r >= 0:
            continue
        key = (name, evr, vid)
        best.setdefault(key, []).append((fixed, sev))
    rows = set()
    for (name, evr, vid), fixes in best.items():
        low = fixes[0]
        if len(fixes) > 1:
            for f in fixes[1:]:
                if vercmp_many([(f[0], low[0])])[0] < 0:
                    low = f
        rows.add((vid, name, show(evr), show(low[0]), low[1], "fixed"))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
