#!/usr/bin/env python3
"""A spec file whose binary subpackages cover the fixes of an RHEL-family
OVAL file, for the scan tests: for every package name with a `less than`
state, one installed package whose EPOCH:VERSION-RELEASE is, by turns, below
every fix (version 0.1), equal to the lowest fix, the lowest fix's version
with a lower release, far above (999), or (when the fix has an epoch) epoch 0
with version 999; every third package is noarch, the rest of the build arch.
The packages carry no files; `rpmbuild -bb` makes them, `rpm --justdb`
installs them into an rpm database.

usage: rpm_synth.py OVAL [STEP] > SPEC   (every STEP-th package name; default 1)
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rpm_expect  # noqa: E402

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")


def split(evr):
    e, vr = evr.split(":", 1) if ":" in evr else ("0", evr)
    v, r = vr.rsplit("-", 1)
    return int(e or 0), v, r


def main():
    fixes = {}
    for name, fixed, _, _, _ in rpm_expect.oval(sys.argv[1]):
        if NAME.match(name):
            fixes.setdefault(name, set()).add(fixed)
    names = sorted(fixes)[::int(sys.argv[2]) if len(sys.argv) > 2 else 1]
    lowest = dict(zip(names, [None] * len(names)))
    pairs = [(a, b) for n in names for a in sorted(fixes[n]) for b in sorted(fixes[n])]
    res = dict(zip(pairs, rpm_expect.vercmp_many(pairs)))
    for n in names:
        lowest[n] = min(sorted(fixes[n]), key=lambda f: sum(res[(f, g)] for g in fixes[n]))
    out = ["Name: vigil-synth", "Version: 1", "Release: 1", "Summary: synthetic",
           "License: MIT", "%description", "synthetic", ""]
    files = []
    for i, n in enumerate(names):
        e, v, r = split(lowest[n])
        kind = i % 5
        if kind == 0:
            v, r = "0.1", "1"
        elif kind == 2:
            r = "0"
        elif kind == 3:
            v, r = "999", "1"
        elif kind == 4:
            if e > 0:
                e, v, r = 0, "999", "1"
            else:
                v, r = "0.1", "1"
        out += ["%%package -n %s" % n, "Version: %s" % v, "Release: %s" % r,
                "Summary: synthetic"]
        if e:
            out.append("Epoch: %d" % e)
        if i % 3 == 0:
            out.append("BuildArch: noarch")
        out += ["%%description -n %s" % n, "synthetic", ""]
        files.append("%%files -n %s" % n)
    print("\n".join(out + files))


if __name__ == "__main__":
    main()
