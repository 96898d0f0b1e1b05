#!/usr/bin/env python3
"""Copy an OCI image tarball with the bytes of every layer blob replaced by
zeros (same names, same sizes; index, manifest and config untouched): a scan
that still succeeds on the copy did not read the layers' data.

    blank_layers.py IN.oci.tar OUT.tar
"""
import io
import json
import sys
import tarfile

src, dst = sys.argv[1], sys.argv[2]
with tarfile.open(src) as t:
    index = json.load(t.extractfile("index.json"))
    mdig = index["manifests"][0]["digest"].split(":", 1)[1]
    manifest = json.load(t.extractfile("blobs/sha256/" + mdig))
    layers = {"blobs/sha256/" + l["digest"].split(":", 1)[1] for l in manifest["layers"]}
    with tarfile.open(dst, "w") as out:
        for m in t:
            name = m.name[2:] if m.name.startswith("./") else m.name
            if m.isfile() and name in layers:
                out.addfile(m, io.BytesIO(b"\0" * m.size))
            elif m.isfile():
                out.addfile(m, t.extractfile(m))
            else:
                out.addfile(m)
print(len(layers))
