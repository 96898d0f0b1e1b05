#!/usr/bin/env python3
"""Counts of RHEL-family OVAL files, computed independently of vigil with
xml.etree (PRODUCT.md "RHEL family"): prints JSON
{"Vulnerabilities", "Records", "Namespaces", "Statements", "Skipped"} for
all the files given together (plain, .xz, .bz2 or .gz)."""
import bz2
import gzip
import json
import lzma
import re
import sys
import xml.etree.ElementTree as ET

DISTRO_ORGS = [("oval:com.redhat.", "rhel"), ("oval:org.rockylinux.", "rocky"),
               ("oval:org.almalinux.", "almalinux"), ("oval:com.oracle.", "ol"),
               ("oval:org.centos.", "centos")]
RELEASE_PKGS = [("redhat-release", "rhel"), ("rocky-release", "rocky"),
                ("almalinux-release", "almalinux"), ("oraclelinux-release", "ol"),
                ("enterprise-release", "ol"), ("centos-release", "centos"),
                ("centos-stream-release", "centos")]


def local(tag):
    return tag.rsplit("}", 1)[-1]


def text(e):
    return (e.text or "").strip() if e is not None else ""


def kids(e, name):
    return [c for c in e if local(c.tag) == name]


def first(e, name):
    k = kids(e, name)
    return k[0] if k else None


def opener(path):
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic.startswith(b"\xfd7zXZ"):
        return lzma.open(path)
    if magic.startswith(b"BZh"):
        return bz2.open(path)
    if magic.startswith(b"\x1f\x8b"):
        return gzip.open(path)
    return open(path, "rb")


def prefix_map(name, table):
    for p, d in table:
        if name and name.startswith(p):
            return d
    return None


def major_of(pattern):
    m = re.match(r"\^(\d{1,3})(?!\d)", pattern or "")
    return int(m.group(1)) if m else None


def evr_norm(evr):
    m = re.match(r"^(0+):(.*)$", evr)
    return m.group(2) if m else evr


class File:
    def __init__(self, root):
        self.tests, self.objs, self.states = {}, {}, {}
        for sec in root:
            name = local(sec.tag)
            for e in sec:
                ln, eid = local(e.tag), e.get("id")
                if eid is None:
                    continue
                if name == "tests" and ln.endswith("_test") and eid not in self.tests:
                    o, s = first(e, "object"), first(e, "state")
                    self.tests[eid] = (ln, o.get("object_ref") if o is not None else None,
                                       s.get("state_ref") if s is not None else None)
                elif name == "objects" and ln.endswith("_object") and eid not in self.objs:
                    n = first(e, "name")
                    ok = ln == "rpminfo_object" and n is not None and not n.get("var_ref")
                    self.objs[eid] = text(n) if ok and text(n) else None
                elif name == "states" and ln.endswith("_state") and eid not in self.states:
                    self.states[eid] = self.state(e)

    @staticmethod
    def state(e):
        st = {"evr": None, "arch": None, "major": None, "rel": None}
        for c in e:
            ln, op, t = local(c.tag), (c.get("operation") or "").lower(), text(c)
            if ln == "evr" and op == "less than" and st["evr"] is None:
                st["evr"] = evr_norm(t) if t and not re.search(r"\s", t) else None
            elif ln == "arch" and t and st["arch"] is None:
                st["arch"] = "^" + re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", t) + "$" \
                    if op == "equals" else t
            elif ln == "version" and op == "pattern match":
                st["major"] = major_of(t)
            elif ln == "name" and t and st["rel"] is None:
                st["rel"] = t.lstrip("^")
        return st

    def release(self, ref):
        t = self.tests.get(ref)
        if not t or t[0] not in ("rpminfo_test", "rpmverifyfile_test") or not t[2]:
            return None
        s = self.states.get(t[2])
        return s["major"] if s else None

    def release_distro(self, ref):
        t = self.tests[ref]
        return prefix_map(self.states[t[2]]["rel"], RELEASE_PKGS) or \
            prefix_map(self.objs.get(t[1]), RELEASE_PKGS)


def unique(values):
    vals = set(v for v in values if v is not None)
    return vals.pop() if len(vals) == 1 else None


def definition_ids(md):
    ids, adv = [], None
    for c in (md if md is not None else []):
        ln = local(c.tag)
        if ln == "reference":
            if (c.get("source") or "").lower() == "cve":
                ids.append(c.get("ref_id") or "")
            elif adv is None and c.get("ref_id"):
                adv = c.get("ref_id")
        elif ln == "advisory":
            ids += [text(x) for x in kids(c, "cve")]
    ids = [i for i in dict.fromkeys(ids) if i and not re.search(r"\s", i)]
    if not ids:
        title = text(first(md, "title")) if md is not None else ""
        if adv is None:
            m = re.match(r"^([A-Z]+-[^:]*:[0-9-]+)", title)
            adv = m.group(1) if m else None
        if adv:
            adv = re.sub(r"^([^:]*:[^-]*)-\d+$", r"\1", adv)
            ids = [adv]
    return ids


def fallback_major(md):
    plat, cpes = [], []
    for c in (md if md is not None else []):
        if local(c.tag) == "affected":
            for p in kids(c, "platform"):
                m = re.search(r"(\d{1,3})$", text(p))
                plat.append(int(m.group(1)) if m else None)
        if local(c.tag) == "advisory":
            cands = [c.get("from") or ""]
            for l in kids(c, "affected_cpe_list"):
                cands += [text(x) for x in kids(l, "cpe")]
            for cpe in cands:
                parts = cpe.split(":")
                if len(parts) > 4 and re.match(r"^\d+", parts[4]):
                    n = int(re.match(r"^\d+", parts[4]).group(0))
                    cpes.append(n if n < 1000 else None)
    p = unique(plat)
    return p if p is not None else unique(cpes)


class Counter:
    def __init__(self):
        self.records, self.ids, self.ns, self.arches = set(), set(), set(), set()
        self.statements = self.skipped = 0

    def run(self, path):
        root = ET.parse(opener(path)).getroot()
        assert local(root.tag) == "oval_definitions", path
        f = File(root)
        for ref, t in f.tests.items():
            if f.release(ref) is not None:
                d = f.release_distro(ref)
                if d:
                    self.ns.add("%s:%d" % (d, f.release(ref)))
        file_distro = next((f.release_distro(r) for r in f.tests
                            if f.release(r) is not None and f.release_distro(r)), None)
        for sec in root:
            if local(sec.tag) == "definitions":
                for d in sec:
                    if local(d.tag) == "definition":
                        self.definition(f, d, file_distro)

    def release_only(self, f, node):
        acc = set()
        for c in node:
            if local(c.tag) == "criteria":
                m = self.release_only(f, c)
            elif local(c.tag) == "criterion" and c.get("test_ref"):
                m = f.release(c.get("test_ref"))
            else:
                continue
            if m is None:
                return None
            acc.add(m)
        return acc.pop() if len(acc) == 1 else None

    def branch(self, f, node):
        if (node.get("operator") or "AND").upper() != "AND":
            return None
        for c in node:
            if local(c.tag) == "criterion" and c.get("test_ref"):
                m = f.release(c.get("test_ref"))
                if m is not None:
                    return m
            if local(c.tag) == "criteria":
                m = self.release_only(f, c)
                if m is not None:
                    return m
        return None

    def branch_arch(self, f, node):
        if (node.get("operator") or "AND").upper() != "AND":
            return None
        for c in node:
            if local(c.tag) != "criterion" or c.get("test_ref") not in f.tests:
                continue
            kind, _, sref = f.tests[c.get("test_ref")]
            st = f.states.get(sref) if kind == "rpminfo_test" and sref else None
            if st and st["arch"] and st["evr"] is None and st["major"] is None:
                return st["arch"]
        return None

    def all_majors(self, f, node):
        out = []
        for c in node.iter():
            if local(c.tag) == "criterion" and c.get("test_ref"):
                out.append(f.release(c.get("test_ref")))
        return out

    def definition(self, f, d, file_distro):
        distro = prefix_map(d.get("id"), DISTRO_ORGS) or file_distro
        if not distro:
            self.skipped += 1
            return
        md, crit = first(d, "metadata"), first(d, "criteria")
        ids = definition_ids(md)
        if not ids:
            self.skipped += 1
            return
        if crit is None:
            return
        tree = self.all_majors(f, crit)
        dmajor = unique(tree)
        if dmajor is None:
            dmajor = fallback_major(md)
        self.walk(f, crit, None, None, distro, dmajor, ids)

    def walk(self, f, node, major, arch, distro, dmajor, ids):
        b = self.branch(f, node)
        major = b if b is not None else major
        arch = self.branch_arch(f, node) or arch
        for c in node:
            if local(c.tag) == "criteria":
                self.walk(f, c, major, arch, distro, dmajor, ids)
            elif local(c.tag) == "criterion":
                self.criterion(f, c, major, arch, distro, dmajor, ids)

    def criterion(self, f, c, major, arch, distro, dmajor, ids):
        if c.get("negate") == "true":
            return
        ref = c.get("test_ref")
        if ref is None or ref not in f.tests:
            self.skipped += 1
            return
        kind, oref, sref = f.tests[ref]
        if kind != "rpminfo_test" or sref is None:
            return
        if sref not in f.states:
            self.skipped += 1
            return
        st = f.states[sref]
        if st["evr"] is None:
            return
        if oref not in f.objs or f.objs[oref] is None:
            self.skipped += 1
            return
        major = major if major is not None else dmajor
        if major is None:
            self.skipped += 1
            return
        ns = "%s:%d" % (distro, major)
        self.ns.add(ns)
        for i in ids:
            self.statements += 1
            self.records.add((ns, f.objs[oref], i))
            self.arches.add((ns, f.objs[oref], i, st["evr"], st["arch"] or arch or ""))
            self.ids.add(i)


def main():
    c = Counter()
    for p in sys.argv[1:]:
        c.run(p)
    print(json.dumps({"Vulnerabilities": len(c.ids), "Records": len(c.records),
                      "Namespaces": sorted(c.ns), "Statements": c.statements,
                      "Skipped": c.skipped,
                      "Arches": sorted(set(a[4] for a in c.arches))}))


if __name__ == "__main__":
    main()
