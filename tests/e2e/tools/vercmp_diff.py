#!/usr/bin/env python3
"""Differential test of `vigil vercmp --batch` against the real tools.

usage: vercmp_diff.py VIGIL [--seed N] [--dpkg-pairs N] [--rpm-pairs N]

Generates random and near-miss version pairs (seeded, so a failure can be
replayed) and compares vigil's answer for each with:
  - dpkg: `dpkg --compare-versions -- A lt B` (then `eq`), one process per
    pair, run in parallel; dpkg's exit 2 (a refused version) must match
    vigil's `error` line;
  - rpm: rpm 4.18's rpm.vercmp() in one `rpm --eval '%{lua: ...}'` run over
    the whole list; a Lua error (rpm refuses the version) must match `error`.
Prints how many pairs were checked; exits 1 on any difference, showing it.
"""
import argparse
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile

# ---------------------------------------------------------------- generators

HIGH = "\xe9\xff\x80"


def digits(rng):
    r = rng.random()
    if r < 0.08:
        return "0" * rng.randint(1, 3) + str(rng.randint(0, 99))  # leading zeros
    if r < 0.12:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(19, 30)))
    return str(rng.choice([0, 1, 2, 3, 5, 9, 10, 11, 99, 100, rng.randint(0, 2000)]))


def letters(rng, alphabet="abcdefgrpxyzABZ"):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))


def upstream(rng, seps, odd):
    parts = []
    if rng.random() < 0.85:
        parts.append(digits(rng))
    for _ in range(rng.randint(0, 4)):
        r = rng.random()
        if r < 0.45:
            parts.append(rng.choice(seps) + digits(rng))
        elif r < 0.7:
            parts.append(letters(rng))
        elif r < 0.85:
            parts.append(rng.choice(seps) + letters(rng))
        elif r < 0.97:
            parts.append(rng.choice("~~^" if "^" in seps else "~~+") + rng.choice(["", letters(rng), digits(rng)]))
        else:
            parts.append(rng.choice(odd))
    s = "".join(parts)
    return s if s else "0"


def gen_dpkg(rng):
    r = rng.random()
    epoch = ""
    if r < 0.25:
        epoch = rng.choice(["0:", "1:", "2:", "10:", "00:", "01:"])
    elif r < 0.30:
        epoch = rng.choice([":", "a:", "-1:", "+1:", "-0:", "2147483647:", "2147483648:",
                            "99999999999999999999:", "1a:"])
    v = epoch + upstream(rng, ".+~-" if rng.random() < 0.1 else ".+~", ["_", "@", HIGH[0], ":", "-", " "])
    r = rng.random()
    if r < 0.45:
        v += "-" + upstream(rng, ".+~", ["_", HIGH[1], ":"])
    elif r < 0.47:
        v += "-"
    r = rng.random()
    if r < 0.02:
        v = " " + v
    elif r < 0.04:
        v = v + rng.choice([" ", "  "])
    return v


def gen_rpm(rng):
    r = rng.random()
    epoch = ""
    if r < 0.25:
        epoch = rng.choice(["0:", "1:", "2:", "10:", "00:", ":"])
    elif r < 0.28:
        epoch = rng.choice(["a:", "99999999999999999999:", "1a:"])
    v = epoch + upstream(rng, "._+~^", ["-", ":", " ", HIGH[0], "%", "^", "~"])
    r = rng.random()
    if r < 0.5:
        v += "-" + upstream(rng, "._+~^", ["_", HIGH[2]])
    elif r < 0.53:
        v += rng.choice(["-", "-~", "-^"])
    if rng.random() < 0.01:
        v = ""
    return v


def mutate(rng, v, extra):
    ops = ["~", "~~", "~1", ".0", "0", "a", "A", "+", "-1", "-0", ".", "~rc1"] + extra
    r = rng.random()
    if r < 0.3 or not v:
        return v + rng.choice(ops)
    i = rng.randrange(len(v))
    c = v[i]
    if r < 0.45:
        return v[:i] + v[i + 1:]                       # drop a character
    if r < 0.55:
        return v[:i] + c + v[i:]                       # double it
    if r < 0.65 and c in "0123456789":
        return v[:i] + str((int(c) + rng.choice([1, 9])) % 10) + v[i + 1:]
    if r < 0.72 and c in "0123456789":
        return v[:i] + "0" + v[i:]                     # a leading zero
    if r < 0.8 and c.isascii() and c.isalpha():
        return v[:i] + c.swapcase() + v[i + 1:]
    if r < 0.88 and i + 1 < len(v):
        return v[:i] + v[i + 1] + c + v[i + 2:]        # swap neighbours
    if r < 0.94:
        return rng.choice(["0:", "1:"]) + v
    return v[:i] + rng.choice(ops) + v[i:]


def pairs(rng, gen, n, extra, allow_empty):
    """n pairs; never a TAB (the batch separator), and "" only if allow_empty:
    `dpkg --compare-versions` reads "" as its blank version, which vigil's
    check refuses on purpose (the unit tests cover that)."""
    out = []
    while len(out) < n:
        a = gen(rng)
        r = rng.random()
        if r < 0.05:
            b = a
        elif r < 0.6:
            b = mutate(rng, a, extra)
        elif r < 0.8:
            b = mutate(rng, mutate(rng, a, extra), extra)
        else:
            b = gen(rng)
        if rng.random() < 0.5:
            a, b = b, a
        if "\t" in a + b or (not allow_empty and not (a and b)):
            continue
        out.append((a.encode("latin-1"), b.encode("latin-1")))
    return out


# ---------------------------------------------------------------- oracles

def dpkg_one(pair):
    """dpkg's answer for one pair: "-1", "0", "1", or "error" and its message."""
    a, b = pair
    lt = subprocess.run(["dpkg", "--compare-versions", "--", a, b"lt", b],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if lt.returncode == 0:
        return "-1", None
    if lt.returncode != 1:
        msg = [l for l in lt.stderr.split(b"\n") if l.startswith(b"dpkg: error: ")]
        return "error", msg[0][len(b"dpkg: error: "):] if msg else None
    eq = subprocess.run(["dpkg", "--compare-versions", "--", a, b"eq", b],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return ("0" if eq == 0 else "1"), None


def dpkg_oracle(ps):
    workers = max(2, (os.cpu_count() or 2) * 2)
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        return list(ex.map(dpkg_one, ps, chunksize=32))


RPM_LUA = r"""%%{lua:
local out = io.open("%s", "w")
for line in io.lines("%s") do
  local a, b = line:match("^([^\t]*)\t([^\t]*)$")
  local ok, r = pcall(rpm.vercmp, a, b)
  out:write(ok and tostring(r) or "error", "\n")
end
out:close()
}"""


def rpm_oracle(ps, tmp):
    src, dst = os.path.join(tmp, "rpm-pairs.tsv"), os.path.join(tmp, "rpm-out.txt")
    with open(src, "wb") as f:
        for a, b in ps:
            f.write(a + b"\t" + b + b"\n")
    subprocess.run(["rpm", "--eval", RPM_LUA % (dst, src)], check=True,
                   stdout=subprocess.DEVNULL)
    with open(dst) as f:
        return [l.rstrip("\n") for l in f]


def vigil(binary, fmt, ps):
    """vigil's results, and its error messages by 0-based pair index."""
    data = b"".join(a + b"\t" + b + b"\n" for a, b in ps)
    r = subprocess.run([binary, "vercmp", fmt, "--batch"], input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode not in (0, 3):
        sys.exit(f"vigil vercmp {fmt} --batch exited {r.returncode}")
    msgs = {}
    for line in r.stderr.split(b"\n"):
        if line.startswith(b"vigil: line "):
            num, _, msg = line[len(b"vigil: line "):].partition(b": ")
            msgs[int(num) - 1] = msg
    return r.stdout.decode().split("\n")[:-1], msgs


def compare(fmt, ps, want, got, want_msgs=None, got_msgs=None):
    """Results must be equal; where the tool gave a reason, so must vigil."""
    if len(got) != len(ps):
        print(f"{fmt}: vigil printed {len(got)} results for {len(ps)} pairs")
        return False
    bad = [(a, b, w, g) for (a, b), w, g in zip(ps, want, got) if w != g]
    reasons = 0
    for i, m in (want_msgs or {}).items():
        if m is not None and len(m) < 100:
            reasons += 1
            if got_msgs.get(i) != m:
                bad.append((ps[i][0], ps[i][1], m, got_msgs.get(i)))
    for a, b, w, g in bad[:20]:
        print(f"{fmt}: MISMATCH {a!r} vs {b!r}: tool says {w}, vigil says {g}")
    errors = sum(1 for w in want if w == "error")
    print(f"{fmt}: {len(ps)} pairs checked ({errors} refused by the tool"
          f"{f', {reasons} reasons compared' if want_msgs else ''}), {len(bad)} differences")
    return not bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vigil")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--dpkg-pairs", type=int, default=3000)
    ap.add_argument("--rpm-pairs", type=int, default=30000)
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        if args.dpkg_pairs:
            if not shutil.which("dpkg"):
                sys.exit("dpkg is not installed (scripts/install-deps.sh)")
            ps = pairs(random.Random(args.seed), gen_dpkg, args.dpkg_pairs, ["+b1", "~bpo1"],
                       False)
            answers = dpkg_oracle(ps)
            got, got_msgs = vigil(args.vigil, "dpkg", ps)
            ok &= compare("dpkg", ps, [r for r, _ in answers], got,
                          {i: m for i, (_, m) in enumerate(answers) if m}, got_msgs)
        if args.rpm_pairs:
            if not shutil.which("rpm"):
                sys.exit("rpm is not installed (scripts/install-deps.sh)")
            ps = pairs(random.Random(args.seed + 1), gen_rpm, args.rpm_pairs,
                       ["^", "^1", "^git1", "-~", "_1"], True)
            ok &= compare("rpm", ps, rpm_oracle(ps, tmp), vigil(args.vigil, "rpm", ps)[0])
    print(f"seed {args.seed}: {'no differences' if ok else 'DIFFERENCES FOUND'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
