#!/usr/bin/env python3
"""Write N mutants of each input file into OUTDIR: truncations, byte flips,
deleted and duplicated spans, swapped brackets. Deterministic (seeded).
usage: mutate.py OUTDIR N FILE..."""
import os
import random
import sys

out, n, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rng = random.Random(20261129)
os.makedirs(out, exist_ok=True)
for fi, path in enumerate(files):
    data = open(path, "rb").read()
    ext = os.path.splitext(path)[1]
    for i in range(n):
        d = bytearray(data)
        kind = i % 5
        if kind == 0:
            d = d[: rng.randrange(1, len(d))]
        elif kind == 1:
            for _ in range(rng.randrange(1, 8)):
                d[rng.randrange(len(d))] = rng.randrange(256)
        elif kind == 2:
            a = rng.randrange(len(d)); d[a:a + rng.randrange(1, 200)] = b""
        elif kind == 3:
            a = rng.randrange(len(d)); b = a + rng.randrange(1, 400); d[b:b] = d[a:b]
        else:
            for _ in range(rng.randrange(1, 4)):
                a = rng.randrange(len(d))
                d[a:a + 1] = rng.choice([b"{", b"}", b"[", b"]", b":", b"\n  - ", b"&a ", b"*a", b'"'])
        with open(os.path.join(out, "m%d-%03d%s" % (fi, i, ext)), "wb") as f:
            f.write(bytes(d))
