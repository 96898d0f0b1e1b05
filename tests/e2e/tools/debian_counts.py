#!/usr/bin/env python3
"""Independent counts of Debian security tracker files, as `vigil db status`
must report them: {"Vulnerabilities": distinct IDs, "Records": distinct
(namespace, package, ID), "Namespaces": sorted list}.

Files: the tracker's JSON export ({pkg: {id: {releases: {codename: {status,
fixed_version}}}}}), DSA/DLA/DTSA lists and data/CVE/list, told apart by
their first line. Rules (PRODUCT.md): lists state `[R] - SRC VERSION` fixes
(VERSION not in <...>) for every ID of the advisory's {...} line, else the
advisory's own ID; CVE/list also `- SRC ...` (unstable) and the tags
<no-dsa> <ignored> <postponed> <unfixed> <not-affected>; the JSON states
resolved/open/undetermined. Releases: etch (4) .. forky (14), sid/unstable
-> unstable; others are not counted. Prints the JSON; with --records prints
the (namespace, package, ID, status, version) statements instead, one per
line. With --rows, prints what the store must hold: per file, the statements
of one (namespace, package, ID) resolved (a fix beats the tags, the lowest
fix by `dpkg --compare-versions` wins; not-affected beats affected-no-fix),
as "unit TAB namespace TAB package TAB ID TAB status TAB version" lines.
usage: debian_counts.py [--records|--rows] FILE..."""
import functools
import json
import re
import subprocess
import sys

RELEASES = {"etch": "4", "lenny": "5", "squeeze": "6", "wheezy": "7", "jessie": "8",
            "stretch": "9", "buster": "10", "bullseye": "11", "bookworm": "12",
            "trixie": "13", "forky": "14", "sid": "unstable", "unstable": "unstable"}
TAGS = {"<no-dsa>": 1, "<ignored>": 1, "<postponed>": 1, "<unfixed>": 1, "<not-affected>": 2}
HEADER = re.compile(r"^\[[^\]]+\]\s+((?:DSA|DLA|DTSA)-\d+(?:-\d+)?)(\s|$)")
FIX = re.compile(r"^\s+\[([^\]]+)\]\s+-\s+(\S+)\s+(\S+)")
SID = re.compile(r"^\s+-\s+(\S+)\s+(\S+)")
CVE = re.compile(r"^(CVE-\d{4}-(\d+|XXXX))(\s|$)")

stmts = set()
file_stmts = []


def state(rel, pkg, vid, status, version=""):
    if rel in RELEASES:
        st = ("debian:" + RELEASES[rel], pkg, vid, status, version)
        stmts.add(st)
        file_stmts.append(st)


def dpkg_cmp(a, b):
    if a == b:
        return 0
    lt = subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
    return -1 if lt else 1


def resolve(unit, rows):
    """The rows one file leaves in the store for its unit."""
    if unit == "json":
        return {(unit,) + st for st in file_stmts}
    best = {}
    for ns, pkg, vid, status, ver in file_stmts:
        best.setdefault((ns, pkg, vid), []).append((status, ver))
    out = set()
    for key, sts in best.items():
        fixes = [v for s, v in sts if s == 0]
        if fixes:
            pick = (0, min(fixes, key=functools.cmp_to_key(dpkg_cmp)))
        elif any(s == 2 for s, _ in sts):
            pick = (2, "")
        else:
            pick = (1, "")
        out.add((unit,) + key + pick)
    return out


def advisories(lines):
    blocks, cur = [], None
    for line in lines:
        if not line.strip():
            continue
        if line[0] not in " \t":
            m = HEADER.match(line)
            cur = {"id": m.group(1), "ids": [], "fixes": []} if m else None
            if cur:
                blocks.append(cur)
        elif cur is not None:
            s = line.strip()
            if s.startswith("{") and "}" in s:
                cur["ids"] += s[1:s.index("}")].split()
            m = FIX.match(line)
            if m and not m.group(3).startswith("<"):
                cur["fixes"].append(m.groups())
    for b in blocks:
        for rel, pkg, ver in b["fixes"]:
            for vid in b["ids"] or [b["id"]]:
                state(rel, pkg, vid, 0, ver)


def cve_list(lines):
    cur = None
    for line in lines:
        if not line.strip():
            continue
        if line[0] not in " \t":
            m = CVE.match(line)
            cur = m.group(1) if m and m.group(2) != "XXXX" else None
            continue
        if cur is None:
            continue
        m = FIX.match(line)
        rel, pkg, ver = m.groups() if m else (("sid",) + SID.match(line).groups()
                                               if SID.match(line) else (None, None, None))
        if rel is None:
            continue
        if not ver.startswith("<"):
            state(rel, pkg, cur, 0, ver)
        elif ver in TAGS:
            state(rel, pkg, cur, TAGS[ver])


def json_export(doc):
    for pkg, vulns in doc.items():
        if not isinstance(vulns, dict):
            continue
        for vid, v in vulns.items():
            rels = v.get("releases") if isinstance(v, dict) else None
            if not isinstance(rels, dict):
                continue
            for rel, r in rels.items():
                if not isinstance(r, dict):
                    continue
                st, fv = r.get("status"), r.get("fixed_version")
                if st == "resolved" and isinstance(fv, str) and fv:
                    state(rel, pkg, vid, 2 if fv == "0" else 0, "" if fv == "0" else fv)
                elif st in ("open", "undetermined"):
                    state(rel, pkg, vid, 1)


def main():
    args = sys.argv[1:]
    mode = args[0] if args[:1] in (["--records"], ["--rows"]) else ""
    rows = set()
    for path in args[1:] if mode else args:
        text = open(path, encoding="utf-8").read()
        first = text.lstrip().split("\n", 1)[0]
        file_stmts.clear()
        if first.startswith("{"):
            unit = "json"
            json_export(json.loads(text))
        elif first.startswith("["):
            unit = HEADER.match(first).group(1).split("-")[0] + "/list"
            advisories(text.split("\n"))
        else:
            unit = "CVE/list"
            cve_list(text.split("\n"))
        if mode == "--rows":
            rows |= resolve(unit, file_stmts)
    if mode:
        for r in sorted(rows if mode == "--rows" else stmts):
            print("\t".join(map(str, r)))
        return
    natural = lambda s: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]
    print(json.dumps({
        "Vulnerabilities": len({s[2] for s in stmts}),
        "Records": len({s[:3] for s in stmts}),
        "Namespaces": sorted({s[0] for s in stmts}, key=natural),
    }))


main()
