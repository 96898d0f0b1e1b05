#!/usr/bin/env python3
"""Pack a root filesystem directory as a one-layer docker-save tarball
(manifest.json, the config with its diff_id, the layer tar), with tarfile.

usage: rootfs_save.py ROOT_DIR OUT.tar
"""
import hashlib
import io
import json
import sys
import tarfile


def main():
    root, out = sys.argv[1], sys.argv[2]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as layer:
        layer.add(root, arcname=".")
    data = buf.getvalue()
    diff_id = "sha256:" + hashlib.sha256(data).hexdigest()
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": ["vigil-test:latest"],
                            "Layers": ["layer/layer.tar"]}]).encode()
    with tarfile.open(out, "w") as tar:
        for name, blob in (("layer/layer.tar", data), (config_name, config),
                           ("manifest.json", manifest)):
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))


if __name__ == "__main__":
    main()
