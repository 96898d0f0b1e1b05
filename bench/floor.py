#!/usr/bin/env python3
"""Print the shell command that only decompresses an image's layers: the
physical floor that `vigil inspect` is measured against.

usage: floor.py IMAGE
A whole-file-compressed archive: decompress the file. A plain tar: extract
each compressed member and decompress it. Members that are plain tars cost
only the read (cat).
"""
import shlex
import sys
import tarfile

img = sys.argv[1]
q = shlex.quote(img)
with open(img, "rb") as f:
    magic = f.read(4)
if magic[:2] == b"\x1f\x8b":
    print("gzip -dc %s >/dev/null" % q)
    sys.exit(0)
if magic == b"\x28\xb5\x2f\xfd":
    print("zstd -qdc %s >/dev/null" % q)
    sys.exit(0)
cmds = []
with tarfile.open(img) as t:
    for m in t.getmembers():
        if not m.isfile():
            continue
        head = t.extractfile(m).read(4)
        member = shlex.quote(m.name)
        if head[:2] == b"\x1f\x8b":
            cmds.append("tar -xOf %s %s | gzip -dc >/dev/null" % (q, member))
        elif head == b"\x28\xb5\x2f\xfd":
            cmds.append("tar -xOf %s %s | zstd -qdc >/dev/null" % (q, member))
if not cmds:
    cmds.append("cat %s >/dev/null" % q)
print("; ".join(cmds))
