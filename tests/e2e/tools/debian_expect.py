#!/usr/bin/env python3
"""The findings `vigil scan` must give for a Debian package database against
Debian security tracker data, computed without vigil from PRODUCT.md's Debian
rules and debver.py's dpkg order.

usage: debian_expect.py CODENAME PACKAGES DATA...
PACKAGES is a dpkg status file, a root filesystem directory, or an OCI
layout tarball (index.json, gzip layers: the status file as the merged layers
leave it). DATA are DSA/DLA list files and tracker JSON exports, told apart by
their first character (`{` is JSON).
Lists: a line `[R] - SRC VERSION` (VERSION not in <...>) fixes every ID of
the advisory's {...} line, else the advisory's ID; the lowest VERSION wins per
(R, SRC, ID); severity Unknown. JSON: resolved F (F != 0) affected iff below
F, open/undetermined affected without a fix, severity from the urgency; the
JSON's statement wins for an (R, SRC, ID) the lists also state.
Prints sorted TSV rows: ID, package, installed version, fixed version (or
empty), Clair severity, status (fixed | affected).
"""
import gzip
import io
import json
import os
import re
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import debver  # noqa: E402
import dpkgstatus  # noqa: E402

HEADER = re.compile(r"^\[[^\]]*\]\s+((?:DSA|DLA|DTSA)-\S+)")
FIX = re.compile(r"^\s+\[([a-z]+)\]\s+-\s+(\S+)\s+(\S+)")


def status_text(path):
    if os.path.isdir(path):
        return open(os.path.join(path, "var/lib/dpkg/status"), encoding="utf-8").read()
    if not tarfile.is_tarfile(path):
        return open(path, encoding="utf-8").read()
    text = None
    with tarfile.open(path) as outer:
        index = json.load(outer.extractfile("index.json"))
        blob = lambda d: outer.extractfile("blobs/" + d.replace(":", "/")).read()  # noqa: E731
        manifest = json.loads(blob(index["manifests"][0]["digest"]))
        for layer in manifest["layers"]:
            data = blob(layer["digest"])
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            with tarfile.open(fileobj=io.BytesIO(data)) as t:
                for m in t:
                    if m.name.lstrip("./") == "var/lib/dpkg/status" and m.isfile():
                        text = t.extractfile(m).read().decode("utf-8")
    return text


def urgency(u):
    u = (u or "").strip()
    if u == "unimportant":
        return "Negligible"
    for word, level in (("low", "Low"), ("medium", "Medium"), ("high", "High")):
        if u.startswith(word):
            return level
    return "Unknown"


def lists(path, release, fixes):
    ids, adv = [], None
    for line in open(path, encoding="utf-8", errors="replace"):
        h = HEADER.match(line)
        if h:
            adv, ids = h.group(1), []
            continue
        s = line.strip()
        if s.startswith("{") and s.endswith("}"):
            ids = s[1:-1].split()
            continue
        f = FIX.match(line)
        if not f or adv is None or f.group(1) != release or f.group(3).startswith("<"):
            continue
        src, ver = f.group(2), f.group(3)
        for vid in ids or [adv]:
            old = fixes.get((src, vid))
            if old is None or debver.cmp(ver, old[0]) < 0:
                fixes[(src, vid)] = (ver, "Unknown")


def export(path, release, stmts):
    for src, vulns in json.load(open(path, encoding="utf-8")).items():
        for vid, v in vulns.items():
            if not isinstance(v, dict):
                continue
            r = (v.get("releases") or {}).get(release)
            if r is None:
                continue
            st, fixed = r.get("status"), r.get("fixed_version")
            sev = urgency(r.get("urgency"))
            if st == "resolved":
                stmts[(src, vid)] = (None if fixed == "0" else fixed, sev)
            elif st in ("open", "undetermined"):
                stmts[(src, vid)] = ("", sev)
            else:
                stmts[(src, vid)] = (None, sev)


def main():
    release, pkgpath = sys.argv[1], sys.argv[2]
    from_lists, from_json = {}, {}
    for path in sys.argv[3:]:
        with open(path, "rb") as f:
            first = f.read(64).lstrip()[:1]
        if first == b"{":
            export(path, release, from_json)
        else:
            lists(path, release, from_lists)
    stmts = dict(from_lists)
    stmts.update(from_json)
    by_src = {}
    for name, ver, src, srcver in dpkgstatus.packages(status_text(pkgpath)):
        by_src.setdefault(src, []).append((name, ver, srcver))
    rows = set()
    for (src, vid), (fixed, sev) in stmts.items():
        if fixed is None:
            continue
        for name, ver, srcver in by_src.get(src, []):
            if fixed == "":
                rows.add((vid, name, ver, "", sev, "affected"))
            elif debver.cmp(srcver, fixed) < 0:
                rows.add((vid, name, ver, fixed, sev, "fixed"))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
