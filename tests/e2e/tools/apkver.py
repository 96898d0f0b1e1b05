#!/usr/bin/env python3
"""An apk version comparison written for the tests, independently of vigil's C
code: apk-tools' tokenizer (digits, a letter, _suffix with its number, -rN),
pre-release suffixes (_alpha, _beta, _pre, _rc) below the release, post-release
ones (_cvs, _svn, _git, _hg, _p) above it, leading-zero fractional parts
compared as text (apk-tools v3: "1.0.1" < "1.06", "6.0_pre1" < "6.0").

    apkver.py A B              print -1, 0 or 1
    apkver.py --check FILE     compare every "A<TAB>B<TAB>WANT" line; print mismatches
"""
import sys

# token kinds, in apk-tools' order
INVALID, DIGIT_OR_ZERO, DIGIT, LETTER, SUFFIX, SUFFIX_NO, REVISION_NO, END = range(-1, 7)
PRE = ("alpha", "beta", "pre", "rc")
POST = ("cvs", "svn", "git", "hg", "p")


class Cursor:
    def __init__(self, s):
        self.s = s
        self.i = 0
        self.kind = DIGIT

    def left(self):
        return len(self.s) - self.i

    def next_kind(self):
        """The kind of the token after the current one (consumes the separator)."""
        s, k = self.s, self.kind
        if self.left() == 0:
            n = END
        elif k in (DIGIT, DIGIT_OR_ZERO) and s[self.i].islower():
            n = LETTER
        elif k == LETTER and s[self.i].isdigit():
            n = DIGIT
        elif k == SUFFIX and s[self.i].isdigit():
            n = SUFFIX_NO
        else:
            c = s[self.i]
            n = INVALID
            if c == ".":
                n = DIGIT_OR_ZERO
            elif c == "_":
                n = SUFFIX
            elif c == "-":
                if self.left() > 1 and s[self.i + 1] == "r":
                    n = REVISION_NO
                    self.i += 1
            self.i += 1
        if n < k and not ((n == DIGIT_OR_ZERO and k == DIGIT) or
                          (n == SUFFIX and k == SUFFIX_NO) or
                          (n == DIGIT and k == LETTER)):
            n = INVALID
        self.kind = n

    def digits(self):
        """The digit run at the cursor, as text; advances as token() does."""
        j = self.i
        while j < len(self.s) and self.s[j].isdigit():
            j += 1
        d, self.i = self.s[self.i:j], j
        if self.left() == 0:
            self.kind = END
        else:
            self.kind = DIGIT
            self.next_kind()
        return d

    def token(self):
        """Value of the current token; advances kind to the next token's."""
        s = self.s
        if self.left() <= 0:
            self.kind = END
            return 0
        k, i, v = self.kind, self.i, 0
        if k in (DIGIT, DIGIT_OR_ZERO, SUFFIX_NO, REVISION_NO):
            while i < len(s) and s[i].isdigit():
                v = v * 10 + int(s[i])
                i += 1
        elif k == LETTER:
            v = ord(s[i])
            i += 1
        elif k == SUFFIX:
            for n, name in enumerate(PRE):
                if s.startswith(name, i):
                    v, i = n - len(PRE), i + len(name)
                    break
            else:
                for n, name in enumerate(POST):
                    if s.startswith(name, i):
                        v, i = n, i + len(name)
                        break
                else:
                    self.kind = INVALID
                    return -1
        else:
            self.kind = INVALID
            return -1
        self.i = i
        if self.left() == 0:
            self.kind = END
        else:
            self.next_kind()
        return v


def compare(a, b):
    x, y = Cursor(a), Cursor(b)
    av = bv = 0
    while x.kind == y.kind and x.kind not in (END, INVALID) and av == bv:
        if (x.kind == DIGIT_OR_ZERO and x.left() and y.left() and
                (a[x.i] == "0" or b[y.i] == "0")):
            # a fractional part with a leading zero: compared as text ("06" > "0", "06" < "1")
            da, db = x.digits(), y.digits()
            if da != db:
                return -1 if da < db else 1
            continue
        av = x.token()
        bv = y.token()
    if av < bv:
        return -1
    if av > bv:
        return 1
    if x.kind == y.kind:
        return 0
    if x.kind == SUFFIX:
        t = Cursor(a); t.i, t.kind = x.i, SUFFIX
        if t.token() < 0:
            return -1
    if y.kind == SUFFIX:
        t = Cursor(b); t.i, t.kind = y.i, SUFFIX
        if t.token() < 0:
            return 1
    if x.kind > y.kind:
        return -1
    if y.kind > x.kind:
        return 1
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        bad = total = 0
        for line in open(sys.argv[2], encoding="utf-8"):
            f = line.rstrip("\n").split("\t")
            if len(f) < 3 or line.startswith("#") or f[2] not in ("-1", "0", "1"):
                continue
            total += 1
            got = compare(f[0], f[1])
            if got != int(f[2]):
                bad += 1
                print(f"{f[0]}\t{f[1]}\twant {f[2]} got {got}")
        print(f"{total - bad}/{total} agree", file=sys.stderr)
        return 1 if bad else 0
    print(compare(sys.argv[1], sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
