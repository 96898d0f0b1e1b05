#!/usr/bin/env python3
"""Which files of the RHEL-family vulnerability data name a package.

usage: rpm_overlap.py NAMES DIR...
NAMES: comma-separated package names (binary and source). Every file under
each DIR is read, decompressed (bzip2, xz, gzip, zstd) and, when it is a tar,
each member too; a name counts where it stands as an rpm package name does
in OVAL (<name>N</name>, <red-def:name>N<), CSAF product ids and purls
("N-EPOCH:", "/N@", ":N"" quoted), or updateinfo (name="N"). Prints
"FILE[!MEMBER] NAME" for each hit; nothing when no file names any of them.
"""
import bz2
import gzip
import io
import lzma
import os
import re
import subprocess
import sys
import tarfile


def members(path):
    raw = open(path, "rb").read()
    if raw[:3] == b"BZh":
        raw = bz2.decompress(raw)
    elif raw[:6] == b"\xfd7zXZ\x00":
        raw = lzma.decompress(raw)
    elif raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    elif raw[:4] == b"\x28\xb5\x2f\xfd":
        raw = subprocess.run(["zstd", "-qdc", path], check=True, stdout=subprocess.PIPE).stdout
    try:
        with tarfile.open(fileobj=io.BytesIO(raw)) as t:
            for m in t:
                if m.isfile():
                    yield path + "!" + m.name, t.extractfile(m).read()
    except tarfile.TarError:
        yield path, raw


def main():
    names = sys.argv[1].split(",")
    pats = {n: re.compile((r'(>%s<|[":/]%s-[0-9]+:|/%s@|:%s"|name="%s")' % ((re.escape(n),) * 5))
                          .encode()) for n in names}
    for d in sys.argv[2:]:
        for dp, _, fn in os.walk(d):
            for f in sorted(fn):
                for name, data in members(os.path.join(dp, f)):
                    for n, p in pats.items():
                        if p.search(data):
                            print(name, n)


if __name__ == "__main__":
    main()
