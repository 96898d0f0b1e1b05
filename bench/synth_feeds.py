#!/usr/bin/env python3
"""Synthetic feed files for bench/db.sh (SYNTH=1), bigger than ../shared has:
  synth_feeds.py debian-export OUT      a Debian tracker JSON export of the
                                        real one's size (~80 MiB: 12,000
                                        packages x 10 IDs x 4 releases)
  synth_feeds.py oval-copies ROCKY N OUT  N renamed copies of each section
                                        of the Rocky 9 OVAL file in one
                                        document (N x 1.8 MB)"""
import json
import lzma
import re
import sys


def debian_export(out):
    rels = ["buster", "bullseye", "bookworm", "sid"]
    with open(out, "w") as f:
        f.write("{")
        for p in range(12000):
            vulns = {}
            for i in range(10):
                vid = "CVE-20%02d-%d" % (p % 24, p * 10 + i)
                vulns[vid] = {"description": "A synthetic vulnerability description " * 5,
                              "scope": "remote",
                              "releases": {r: ({"status": "resolved", "fixed_version": "1.%d-1" % i,
                                                "repositories": {r: "1.%d-1" % i},
                                                "urgency": "medium"}
                                               if (i + j) % 3 else
                                               {"status": "open", "repositories": {r: "1.0-1"},
                                                "urgency": "low**"})
                                           for j, r in enumerate(rels)}}
            f.write(("," if p else "") + json.dumps("pkg%d" % p) + ":" + json.dumps(vulns))
        f.write("}")


def oval_copies(src, n, out):
    x = lzma.open(src).read().decode()
    head = x.split("<definitions>", 1)[0]
    parts = {}
    for sec in ("definitions", "tests", "objects", "states"):
        parts[sec] = re.search(r"<%s>(.*?)</%s>" % (sec, sec), x, re.S).group(1)
    with open(out, "w") as f:
        f.write(head)
        for sec in ("definitions", "tests", "objects", "states"):
            f.write("<%s>" % sec)
            for i in range(n):
                f.write(re.sub(r"(:(?:def|tst|obj|ste):)|(RLSA-)",
                               lambda m, i=i: (m.group(1) or m.group(2)) + "%d" % i, parts[sec]))
            f.write("</%s>\n" % sec)
        f.write("</oval_definitions>\n")


if sys.argv[1] == "debian-export":
    debian_export(sys.argv[2])
elif sys.argv[1] == "oval-copies":
    oval_copies(sys.argv[2], int(sys.argv[3]), sys.argv[4])
else:
    sys.exit(__doc__)
