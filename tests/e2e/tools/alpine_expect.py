#!/usr/bin/env python3
"""The complete set of Alpine findings for an image, computed for the tests
without vigil: the image's lib/apk/db/installed and etc/alpine-release (read
from the docker-save tarball with tarfile), the secdb JSON files of its
branch (every repository), and apkver.py's version order.

    alpine_expect.py IMAGE.tar[.gz] SECDB_DIR

prints one "ID<TAB>PACKAGE<TAB>INSTALLED<TAB>FIXED" line per finding, sorted.
Rules (PRODUCT.md, "Alpine"): match on the origin (o:, else the name); an ID
is the first whitespace-separated token of a secfixes item; a fixed version
"0" means never affected; otherwise affected when installed < fixed, and
FixedVersion is the lowest such fixed version.
"""
import io
import json
import os
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apkver import compare  # noqa: E402


def image_files(path, wanted):
    """{name: bytes} of the wanted files as the merged layers leave them."""
    out = {}
    with tarfile.open(path) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        for layer in manifest[0]["Layers"]:
            data = outer.extractfile(layer).read()
            with tarfile.open(fileobj=io.BytesIO(data)) as t:
                for m in t:
                    name = m.name.lstrip("./")
                    base = os.path.basename(name)
                    if base.startswith(".wh."):
                        out.pop(os.path.join(os.path.dirname(name), base[4:]), None)
                    elif name in wanted and m.isfile():
                        out[name] = t.extractfile(m).read()
    return out


def installed(text):
    pkgs, cur = [], {}
    for line in text.splitlines() + [""]:
        if not line.strip():
            if "P" in cur and "V" in cur:
                pkgs.append((cur["P"], cur["V"], cur.get("o") or cur["P"]))
            cur = {}
        elif len(line) > 2 and line[1] == ":":
            cur[line[0]] = line[2:]
    return pkgs


def secfixes(secdb, branch):
    """{origin: {id: [fixed versions]}} over every repository of the branch."""
    fixes = {}
    d = os.path.join(secdb, branch)
    for name in sorted(os.listdir(d)):
        if not name.endswith(".json"):
            continue
        doc = json.load(open(os.path.join(d, name), encoding="utf-8"))
        for entry in doc.get("packages") or []:
            pkg = (entry or {}).get("pkg") or {}
            origin = pkg.get("name")
            for fixed, items in (pkg.get("secfixes") or {}).items():
                for item in items or []:
                    if not isinstance(item, str) or not item.split():
                        continue
                    fixes.setdefault(origin, {}).setdefault(item.split()[0], []).append(str(fixed))
    return fixes


def main():
    image, secdb = sys.argv[1], sys.argv[2]
    files = image_files(image, {"lib/apk/db/installed", "etc/alpine-release"})
    release = files["etc/alpine-release"].decode().strip()
    branch = "v" + ".".join(release.split(".")[:2])
    fixes = secfixes(secdb, branch)
    rows = set()
    for name, version, origin in installed(files["lib/apk/db/installed"].decode()):
        for vid, versions in fixes.get(origin, {}).items():
            if "0" in versions:
                continue
            above = [f for f in versions if compare(version, f) < 0]
            if not above:
                continue
            lowest = above[0]
            for f in above[1:]:
                if compare(f, lowest) < 0:
                    lowest = f
            rows.add((vid, name, version, lowest))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
