#!/usr/bin/env python3
"""dpkg status files for the scan tests, written to stdout.

mkstatus.py lower STATUS
    the same installed packages with every source version set to 0.1
    (`Source: SRC (0.1)`, SRC the Source: name else the package name); binary
    versions untouched, so matches follow the source version.
mkstatus.py synth RELEASE JSON...
    for every source package of the tracker JSON exports with a statement for
    RELEASE, three installed binaries: SRC at 0.1-1 (no Source:, below every
    fix), SRC-same with `Source: SRC (F)` for the lowest fixed version F stated
    for SRC in RELEASE (equal to one fix, so not affected by it) and binary
    version 1:F+b1, and SRC-new with `Source: SRC (99:1)`.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import debver  # noqa: E402


def para(name, version, source=None):
    s = "Package: %s\nStatus: install ok installed\nArchitecture: amd64\n" % name
    if source:
        s += "Source: %s\n" % source
    return s + "Version: %s\n\n" % version


def lower(path):
    out = []
    for p in open(path, encoding="utf-8").read().split("\n\n"):
        lines = [ln for ln in p.split("\n") if ln]
        if not lines:
            continue
        name = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("Package:")), None)
        src = next((ln.split(":", 1)[1].split()[0] for ln in lines if ln.startswith("Source:")), name)
        kept = [ln for ln in lines if not ln.startswith("Source:")]
        out.append("\n".join(kept) + "\nSource: %s (0.1)\n\n" % src)
    sys.stdout.write("".join(out))


def synth(release, paths):
    fixes = {}
    for path in paths:
        for src, vulns in json.load(open(path, encoding="utf-8")).items():
            for v in vulns.values():
                r = (v.get("releases") or {}).get(release)
                if r is None:
                    continue
                f = r.get("fixed_version")
                cur = fixes.setdefault(src, [])
                if f and f != "0" and debver.valid(f):
                    cur.append(f)
    for src in sorted(fixes):
        sys.stdout.write(para(src, "0.1-1"))
        if fixes[src]:
            low = fixes[src][0]
            for f in fixes[src][1:]:
                if debver.cmp(f, low) < 0:
                    low = f
            sys.stdout.write(para(src + "-same", "1:%s+b1" % low, "%s (%s)" % (src, low)))
        sys.stdout.write(para(src + "-new", "99:1", "%s (99:1)" % src))


if __name__ == "__main__":
    if sys.argv[1] == "lower":
        lower(sys.argv[2])
    else:
        synth(sys.argv[2], sys.argv[3:])
