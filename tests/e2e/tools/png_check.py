#!/usr/bin/env python3
"""Check that a PNG screenshot is not blank: decode it (8-bit RGB/RGBA, no
interlace, as Chromium writes them), then require several distinct colours
and enough pixels that differ from the most common (background) colour.
Prints "WIDTHxHEIGHT colours=N ink=P%" and exits 0, or 1 with the reason."""
import struct
import sys
import zlib
from collections import Counter


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    width, height, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG layout %r" % (hdr,))
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            line[x] = (line[x] + (0, a, b, (a + b) // 2, paeth(a, b, c))[f]) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def main(path):
    width, height, bpp, rows = decode(path)
    pixels = Counter()
    for line in rows:
        for x in range(0, len(line), bpp):
            pixels[bytes(line[x:x + 3])] += 1
    total = width * height
    ink = 100.0 * (total - pixels.most_common(1)[0][1]) / total
    print("%dx%d colours=%d ink=%.2f%%" % (width, height, len(pixels), ink))
    if len(pixels) < 8 or ink < 1.0:
        print("blank or nearly blank screenshot", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
