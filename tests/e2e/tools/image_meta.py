#!/usr/bin/env python3
"""Trivy's Metadata for an image archive, computed from the archive itself.

usage: image_meta.py ARCHIVE   (a docker-save or OCI tar; plain, .gz or .zst)

Prints {"ImageID", "DiffIDs", "RepoTags"} as JSON: ImageID is the sha256 of
the config document's bytes; DiffIDs are the sha256 of each layer's
uncompressed tar, in manifest order (not the config's rootfs.diff_ids: the
content is hashed here); RepoTags are manifest.json's RepoTags (docker-save)
or the index entry's org.opencontainers.image.ref.name (OCI). Independent of
vigil: only tarfile, gzip and the zstd command.
"""
import gzip
import hashlib
import json
import subprocess
import sys
import tarfile

REF_NAME = "org.opencontainers.image.ref.name"


def open_stream(path):
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == b"\x28\xb5\x2f\xfd":
        proc = subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE)
        return tarfile.open(fileobj=proc.stdout, mode="r|"), proc
    return tarfile.open(path, mode="r|*"), None


def digest(h):
    return "sha256:" + h.hexdigest()


def member_hashes(f):
    """(sha256 of the bytes, sha256 of the gunzipped bytes or None, the bytes if JSON-like)."""
    raw, head = hashlib.sha256(), b""
    data = f.read()
    raw.update(data)
    unz = None
    if data[:2] == b"\x1f\x8b":
        unz = digest(hashlib.sha256(gzip.decompress(data)))
    if data.lstrip()[:1] in (b"{", b"["):
        head = data
    return digest(raw), unz, head


def scan(path):
    tar, proc = open_stream(path)
    members = {}
    for m in tar:
        if not m.isfile():
            continue
        raw, unz, doc = member_hashes(tar.extractfile(m))
        members[m.name.lstrip("./").lstrip("/")] = (raw, unz, doc)
    tar.close()
    if proc:
        proc.wait()
    return members


def docker_meta(members):
    entry = json.loads(members["manifest.json"][2])[0]
    cfg = members[entry["Config"]]
    diff_ids = [members[name][1] or members[name][0] for name in entry["Layers"]]
    return {"ImageID": cfg[0], "DiffIDs": diff_ids, "RepoTags": entry.get("RepoTags") or []}


def blob(members, d):
    m = members["blobs/sha256/" + d.split(":", 1)[1]]
    assert m[0] == d, "blob %s hashes to %s" % (d, m[0])
    return m


def oci_meta(members):
    desc = json.loads(members["index.json"][2])["manifests"][0]
    tags = [desc["annotations"][REF_NAME]] if REF_NAME in desc.get("annotations", {}) else []
    man = json.loads(blob(members, desc["digest"])[2])
    cfg = blob(members, man["config"]["digest"])
    diff_ids = []
    for layer in man["layers"]:
        m = blob(members, layer["digest"])
        diff_ids.append(m[1] or m[0])
    return {"ImageID": cfg[0], "DiffIDs": diff_ids, "RepoTags": tags}


def main():
    members = scan(sys.argv[1])
    meta = docker_meta(members) if "manifest.json" in members else oci_meta(members)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
