#!/usr/bin/env python3
"""Flip one byte inside the biggest layer of a zstd-compressed docker-save archive.

usage: corrupt_layer.py IMAGE.tar.zst OUT.tar.zst
The byte is in the middle of the data of a large regular file in that
layer.tar (not a header, so both tars still parse). Prints
"MEMBER CONFIG_DIFF_ID CONTENT_DIFF_ID": the layer's member name, the
diff_id the config promises, and the sha256 of the corrupted layer.tar,
computed here.
"""
import hashlib
import io
import json
import subprocess
import sys
import tarfile


def main():
    src, dst = sys.argv[1], sys.argv[2]
    data = bytearray(subprocess.run(["zstd", "-qdc", src], check=True, stdout=subprocess.PIPE).stdout)
    outer = tarfile.open(fileobj=io.BytesIO(bytes(data)))
    entry = json.loads(outer.extractfile("manifest.json").read())[0]
    config = json.loads(outer.extractfile(entry["Config"]).read())
    sizes = [(outer.getmember(n).size, i, n) for i, n in enumerate(entry["Layers"])]
    _, index, name = max(sizes)
    layer_member = outer.getmember(name)
    start = layer_member.offset_data
    layer = tarfile.open(fileobj=io.BytesIO(bytes(data[start:start + layer_member.size])))
    victim = max((m for m in layer.getmembers() if m.isreg()), key=lambda m: m.size)
    at = start + victim.offset_data + victim.size // 2
    data[at] ^= 0xFF
    got = hashlib.sha256(data[start:start + layer_member.size]).hexdigest()
    subprocess.run(["zstd", "-q", "-1", "-f", "-o", dst], input=bytes(data), check=True)
    print(name, config["rootfs"]["diff_ids"][index], "sha256:" + got)


if __name__ == "__main__":
    main()
