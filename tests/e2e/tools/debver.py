#!/usr/bin/env python3
"""dpkg version order for the e2e tests, written from Debian Policy 5.6.12
(epoch, upstream version, Debian revision; letters sort before non-letters,
`~` before everything, even the end). `--check FILE` compares it with every
line `A<TAB>B<TAB>RESULT` of a test-vector file (RESULT -1, 0 or 1) and with
`dpkg --compare-versions` on the same pairs when dpkg is installed.
"""
import re
import shutil
import subprocess
import sys

VALID = re.compile(r"^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~:-]*$")


def valid(v):
    return bool(VALID.match(v))


def split(v):
    epoch, rest = 0, v
    if ":" in v:
        e, rest = v.split(":", 1)
        epoch = int(e) if e else 0
    if "-" in rest:
        up, rev = rest.rsplit("-", 1)
    else:
        up, rev = rest, ""
    return epoch, up, rev


def order(c):
    if c == "~":
        return -1
    if c.isdigit():
        return 0
    if c.isalpha():
        return ord(c)
    return ord(c) + 256


def part(a, b):
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = order(a[i]) if i < len(a) and not a[i].isdigit() else 0
            bc = order(b[j]) if j < len(b) and not b[j].isdigit() else 0
            if ac != bc:
                return -1 if ac < bc else 1
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = (a[i] > b[j]) - (a[i] < b[j])
            i += 1
            j += 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return first_diff
    return 0


def cmp(a, b):
    ea, ua, ra = split(a)
    eb, ub, rb = split(b)
    if ea != eb:
        return -1 if ea < eb else 1
    return part(ua, ub) or part(ra, rb)


def check(path):
    bad = 0
    pairs = []
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        a, b, want = line.rstrip("\n").split("\t")[:3]
        pairs.append((a, b))
        got = cmp(a, b)
        if got != int(want):
            bad += 1
            print("debver: %s vs %s: %d, want %s" % (a, b, got, want), file=sys.stderr)
    if shutil.which("dpkg"):
        for a, b in pairs:
            got = cmp(a, b)
            op = {-1: "lt", 0: "eq", 1: "gt"}[got]
            if subprocess.call(["dpkg", "--compare-versions", a, op, b]) != 0:
                bad += 1
                print("debver: %s %s %s: dpkg disagrees" % (a, op, b), file=sys.stderr)
    return bad == 0 and len(pairs) > 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        sys.exit(0 if check(sys.argv[2]) else 1)
    print(cmp(sys.argv[1], sys.argv[2]))
