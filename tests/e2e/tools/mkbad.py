#!/usr/bin/env python3
"""Write hostile and broken images for tests/e2e/inspect_bad_input.sh.

usage: mkbad.py OUTDIR SHARED_DIR
Every file is made from scratch or from the real Debian OCI image in SHARED_DIR.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import zlib

out, shared = sys.argv[1], sys.argv[2]
oci = os.path.join(shared, "images/debian-bookworm-openssl/debian-bookworm-openssl.oci.tar")


def tar_bytes(members):
    """members: list of (name, bytes | ('symlink', target) | ('dir',))."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            if isinstance(data, tuple) and data[0] == "symlink":
                ti.type, ti.linkname = tarfile.SYMTYPE, data[1]
                t.addfile(ti)
            elif isinstance(data, tuple) and data[0] == "dir":
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
    return bio.getvalue()


def sha(b):
    return hashlib.sha256(b).hexdigest()


def docker_archive(path, layers, manifest=None, config=None, extra=()):
    """A classic docker-save tar from layer tars (bytes)."""
    diff_ids = ["sha256:" + sha(l) for l in layers]
    cfg = config if config is not None else json.dumps(
        {"architecture": "amd64", "os": "linux",
         "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    cfg_name = sha(cfg) + ".json"
    members = [(cfg_name, cfg)]
    names = []
    for i, l in enumerate(layers):
        names.append("l%d/layer.tar" % i)
        members.append((names[-1], l))
    if manifest is None:
        manifest = json.dumps([{"Config": cfg_name, "RepoTags": ["bad:latest"],
                                "Layers": names}]).encode()
    if manifest is not False:
        members.append(("manifest.json", manifest))
    members.extend(extra)
    with open(path, "wb") as f:
        f.write(tar_bytes(members))


good_layer = tar_bytes([("etc/", ("dir",)),
                        ("etc/os-release", b'ID=debian\nVERSION_ID="12"\n')])

# 1. truncated copies of the real OCI tarball
data = open(oci, "rb").read()
# (len - 8192 cuts into the last blob; len - 1024 would only cut the record padding
# after the end-of-archive marker, which leaves a valid tar)
for cut in (100, 5000, 1 << 20, len(data) // 2, len(data) - 8192):
    open(os.path.join(out, "truncated-%d.tar" % cut), "wb").write(data[:cut])

# 2. a corrupt gzip layer: the real OCI tar with bytes flipped inside the
#    second layer blob (its name stays; content no longer matches)
blob2 = "blobs/sha256/a5953e7f06899864f8b6e7096963385e502741ac2d05bfa8021dc4abd1dffd98"
src = tarfile.open(oci)
bio = io.BytesIO()
with tarfile.open(fileobj=bio, mode="w") as dst:
    for m in src.getmembers():
        f = src.extractfile(m) if m.isfile() else None
        b = f.read() if f else None
        if m.name == blob2:
            b = bytearray(b)
            for i in range(200000, 200400):
                b[i] ^= 0x5A
            b = bytes(b)
        dst.addfile(m, io.BytesIO(b) if b is not None else None)
open(os.path.join(out, "corrupt-layer.tar"), "wb").write(bio.getvalue())

# 3. docker archives with manifest problems
docker_archive(os.path.join(out, "no-manifest.tar"), [good_layer], manifest=False)
docker_archive(os.path.join(out, "bad-manifest.tar"), [good_layer], manifest=b'[{"Config": ')
docker_archive(os.path.join(out, "missing-layer.tar"), [good_layer],
               manifest=json.dumps([{"Config": "nope.json", "Layers": ["x/layer.tar"]}]).encode())
docker_archive(os.path.join(out, "diffid-mismatch.tar"), [good_layer], config=json.dumps(
    {"rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]}}).encode())
docker_archive(os.path.join(out, "no-layers.tar"), [])

# 4. an OCI layout tar whose blob name is not its digest
layer_gz = gzip.compress(good_layer, mtime=0)
cfg = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(good_layer)]},
                  "os": "linux", "architecture": "amd64"}).encode()
wrong = "1" * 64
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                             "digest": "sha256:" + sha(cfg), "size": len(cfg)},
                  "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                              "digest": "sha256:" + wrong, "size": len(layer_gz)}]}).encode()
idx = json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json",
     "digest": "sha256:" + sha(man), "size": len(man)}]}).encode()
open(os.path.join(out, "digest-mismatch.tar"), "wb").write(tar_bytes([
    ("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", idx),
    ("blobs/sha256/" + sha(man), man), ("blobs/sha256/" + sha(cfg), cfg),
    ("blobs/sha256/" + wrong, layer_gz)]))

# 5. a layer entry that tries to climb out of the root, and a symlink that does
docker_archive(os.path.join(out, "climb.tar"), [tar_bytes([
    ("../../../etc/os-release", b'ID=alpine\nVERSION_ID=3.18.4\n'),
    ("lib/apk/db/", ("dir",)),
    ("lib/apk/db/installed", ("symlink", "../../../../../../../../var/lib/host-installed")),
])])

# 6. symlink loop on a wanted path
docker_archive(os.path.join(out, "symlink-loop.tar"), [tar_bytes([
    ("etc/os-release", ("symlink", "os-release2")),
    ("etc/os-release2", ("symlink", "/etc/os-release"))])])

# 7. an entry claiming 10 GiB with no data behind it
hdr = tarfile.TarInfo("var/lib/dpkg/status")
hdr.size = 10 << 30
raw = hdr.tobuf(format=tarfile.GNU_FORMAT) + b"\0" * 4096
docker_archive(os.path.join(out, "claims-10g.tar"), [raw], config=json.dumps(
    {"rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(raw)]}}).encode())
open(os.path.join(out, "claims-10g-alone.tar"), "wb").write(raw)

# 8. a gzip bomb layer: 1 GiB of zeros in a tar entry, about 1 MB compressed
z = zlib.compressobj(6, zlib.DEFLATED, 31)
bomb_hdr = tarfile.TarInfo("zeros")
bomb_hdr.size = 1 << 30
parts = [z.compress(bomb_hdr.tobuf(format=tarfile.GNU_FORMAT))]
chunk = b"\0" * (1 << 20)
for _ in range(1024):
    parts.append(z.compress(chunk))
parts.append(z.flush())
bomb = b"".join(parts)
open(os.path.join(out, "bomb.tar.gz"), "wb").write(bomb)
bomb_oci_cfg = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + "2" * 64]}}).encode()
open(os.path.join(out, "bomb-docker.tar"), "wb").write(tar_bytes([
    ("c.json", bomb_oci_cfg), ("l/layer.tar", bomb),
    ("manifest.json", json.dumps([{"Config": "c.json", "Layers": ["l/layer.tar"]}]).encode())]))

# 9. an empty file and an empty tar
open(os.path.join(out, "empty.tar"), "wb").close()
open(os.path.join(out, "empty-archive.tar"), "wb").write(tar_bytes([]))

# 10. package databases of garbage, as root filesystems
rnd = hashlib.sha512(b"vigil").digest() * 512
for name, path in (("garbage-dpkg", "var/lib/dpkg/status"),
                   ("garbage-apk", "lib/apk/db/installed"),
                   ("garbage-rpm-bdb", "var/lib/rpm/Packages"),
                   ("garbage-rpm-sqlite", "var/lib/rpm/rpmdb.sqlite"),
                   ("garbage-rpm-ndb", "var/lib/rpm/Packages.db")):
    p = os.path.join(out, name, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "wb").write(b"\x00\x01garbage" + rnd)

# 11. a root filesystem whose symlinks point outside it
p = os.path.join(out, "rootfs-escape", "etc")
os.makedirs(p, exist_ok=True)
os.symlink("../../../../../../../../../../usr/lib/os-release", os.path.join(p, "os-release"))
os.symlink("/../../../etc/hostname", os.path.join(p, "debian_version"))
p = os.path.join(out, "rootfs-loop", "etc")
os.makedirs(p, exist_ok=True)
os.symlink("os-release", os.path.join(p, "os-release"))
