#!/usr/bin/env python3
"""Independent counts for the Ubuntu feeds (PRODUCT.md, "Ubuntu"), for
tests/e2e/db_ubuntu.sh: {"ubuntu": {...}, "ubuntu-oval": {...}} with the
Vulnerabilities (distinct IDs), Records (distinct namespace, package, ID) and
Namespaces (natural order) that `vigil db status` must report.

usage: ubuntu_counts.py [--tracker TARBALL|FILE]... [--oval FILE]...
Tracker files are read out of the tarballs (tar.xz) with tarfile; OVAL
files (.xz or plain) with xml.etree.
"""
import json
import lzma
import re
import sys
import tarfile
import xml.etree.ElementTree as ET

RELEASES = dict(
    warty="4.10", hoary="5.04", breezy="5.10", dapper="6.06", edgy="6.10",
    feisty="7.04", gutsy="7.10", hardy="8.04", intrepid="8.10", jaunty="9.04",
    karmic="9.10", lucid="10.04", maverick="10.10", natty="11.04",
    oneiric="11.10", precise="12.04", quantal="12.10", raring="13.04",
    saucy="13.10", trusty="14.04", utopic="14.10", vivid="15.04",
    wily="15.10", xenial="16.04", yakkety="16.10", zesty="17.04",
    artful="17.10", bionic="18.04", cosmic="18.10", disco="19.04",
    eoan="19.10", focal="20.04", groovy="20.10", hirsute="21.04",
    impish="21.10", jammy="22.04", kinetic="22.10", lunar="23.04",
    mantic="23.10", noble="24.04", oracular="24.10", plucky="25.04",
    questing="25.10")
UNFIXED = {"needed", "active", "deferred", "pending"}
VERSION = re.compile(r"^[0-9][A-Za-z0-9.+~:-]*$")


def natural(ns):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", ns)]


class Counts:
    def __init__(self):
        self.records, self.ids, self.ns = set(), set(), set()

    def add(self, ns, pkg, vid):
        self.records.add((ns, pkg, vid))
        self.ids.add(vid)
        self.ns.add(ns)

    def out(self):
        return {"Vulnerabilities": len(self.ids), "Records": len(self.records),
                "Namespaces": sorted(self.ns, key=natural)}


def is_tracker(text):
    for line in text[:4096].split("\n"):
        if line.startswith("Candidate") and line.split(":", 1)[0].strip() == "Candidate":
            return len(line.split(":", 1)[1].strip()) > 0 if ":" in line else False
    return False


def tracker_file(text, c):
    cand = None
    stmts = []
    for line in text.split("\n"):
        if not line.strip() or line[0] in " \t#" or ":" not in line:
            continue
        key, value = (s.strip() for s in line.split(":", 1))
        if key == "Candidate":
            cand = value
            continue
        if not key or not ("a" <= key[0] <= "z") or "_" not in key:
            continue
        rel, pkg = key.split("_", 1)
        words = value.split()
        status = re.split(r"[\s(]", value, 1)[0] if value else ""
        if rel not in RELEASES:
            continue
        note = value[len(status):].strip()
        if status in UNFIXED:
            stmts.append((rel, pkg))
        elif status == "released":
            v = re.split(r"[,)]", note.lstrip("( \t"), 1)[0].strip()
            if v and VERSION.match(v):
                stmts.append((rel, pkg))
        del words
    for rel, pkg in stmts:
        c.add("ubuntu:" + RELEASES[rel], pkg, cand)


def tracker(path, c):
    with tarfile.open(path) as tar:
        for m in tar:
            if not m.isfile() or m.name.rsplit("/", 1)[-1].startswith("."):
                continue
            text = tar.extractfile(m).read().decode("utf-8", "replace")
            if is_tracker(text):
                tracker_file(text, c)


def local(tag):
    return tag.rsplit("}", 1)[-1]


def oval(path, c):
    data = lzma.open(path).read() if path.endswith(".xz") else open(path, "rb").read()
    root = ET.fromstring(data)
    tests, objects, states, variables = {}, {}, {}, {}
    for el in root.iter():
        name = local(el.tag)
        if name == "dpkginfo_test":
            o = s = None
            for ch in el:
                if local(ch.tag) == "object":
                    o = ch.get("object_ref")
                elif local(ch.tag) == "state":
                    s = ch.get("state_ref")
            tests[el.get("id")] = (o, s)
        elif name == "dpkginfo_object":
            for ch in el:
                if local(ch.tag) == "name":
                    objects[el.get("id")] = ("var", ch.get("var_ref")) if ch.get("var_ref") \
                        else ("lit", (ch.text or "").strip())
        elif name == "dpkginfo_state":
            for ch in el:
                if local(ch.tag) == "evr" and ch.get("operation") == "less than":
                    states[el.get("id")] = (ch.text or "").strip()
        elif name == "constant_variable":
            variables[el.get("id")] = [(v.text or "").strip() for v in el if local(v.tag) == "value"]
    for d in root.iter():
        if local(d.tag) != "definition":
            continue
        m = re.search(r"com\.ubuntu\.([a-z]+)", d.get("id", ""))
        ns = "ubuntu:" + RELEASES[m.group(1)]
        cves = [r.get("ref_id") for r in d.iter() if local(r.tag) == "reference" and r.get("source") == "CVE"]
        usn = [r.get("ref_id") for r in d.iter() if local(r.tag) == "reference" and r.get("source") == "USN"]
        ids = cves or usn[:1]
        for crit in d.iter():
            if local(crit.tag) != "criterion" or crit.get("test_ref") not in tests:
                continue
            o, s = tests[crit.get("test_ref")]
            if o not in objects or s not in states or not states[s]:
                continue
            kind, v = objects[o]
            names = variables.get(v, []) if kind == "var" else [v]
            for pkg in names:
                if pkg:
                    for vid in ids:
                        c.add(ns, pkg, vid)


def main(argv):
    t, o = Counts(), Counts()
    i = 0
    while i < len(argv):
        if argv[i] == "--tracker":
            tracker(argv[i + 1], t)
        elif argv[i] == "--oval":
            oval(argv[i + 1], o)
        else:
            sys.exit("usage: ubuntu_counts.py [--tracker TARBALL]... [--oval FILE]...")
        i += 2
    out = {}
    if t.records:
        out["ubuntu"] = t.out()
    if o.records:
        out["ubuntu-oval"] = o.out()
    json.dump(out, sys.stdout, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
