#!/usr/bin/env python3
"""The findings `vigil scan` must give for a dpkg status file of an Ubuntu
release against the ubuntu-cve-tracker, computed without vigil from
PRODUCT.md's Ubuntu rule: one status line `<codename>_<srcpkg>: <status>
(<note>)` per CVE file, matched on the source package and source version;
`released (V)` affected iff installed source version < V (dpkg order, see
debver.py), `needed`/`active`/`deferred`/`pending` affected without a fix;
severity from Priority_<pkg>_<codename>, Priority_<pkg>, Priority.

usage: ubuntu_expect.py CODENAME[,CODENAME...] STATUS_FILE TRACKER_TARBALL...
prints sorted TSV rows: ID, package, installed version, fixed version (or
empty), Clair severity, status (fixed | affected); with several codenames
(the same status file as each release, the tarballs read once) each row
starts with its codename.
A `released` note that is not a dpkg version (a word, not a number) gives no
version to compare with and is skipped, as an empty note is; the number of
such lines for installed sources goes to stderr.
"""
import re
import sys
import tarfile

import debver
import dpkgstatus

UNFIXED = {"needed", "active", "deferred", "pending"}
LEVELS = {"negligible": "Negligible", "low": "Low", "medium": "Medium",
          "high": "High", "critical": "Critical"}


def fields(text):
    """Top-level `Key: value` lines in order (continuation lines skipped)."""
    for line in text.split("\n"):
        if not line or line[0] in " \t#" or ":" not in line:
            continue
        key, value = line.split(":", 1)
        yield key.strip(), value.strip()


def severity(prio, pkg, codename):
    for key in ("Priority_%s_%s" % (pkg, codename), "Priority_" + pkg, "Priority"):
        if prio.get(key):
            return LEVELS.get(prio[key].split()[0].lower(), "Unknown")
    return "Unknown"


def main():
    codenames, status_path = sys.argv[1].split(","), sys.argv[2]
    pkgs = dpkgstatus.packages(open(status_path, encoding="utf-8", errors="replace").read())
    by_src = {}
    for name, ver, src, srcver in pkgs:
        by_src.setdefault(src, []).append((name, ver, srcver))
    rows, odd = set(), 0
    for tarball in sys.argv[3:]:
        with tarfile.open(tarball) as tar:
            for m in tar:
                if not m.isfile():
                    continue
                text = tar.extractfile(m).read().decode("utf-8", "replace")
                kv = list(fields(text))
                cand = next((v for k, v in kv if k == "Candidate"), "")
                if not cand:
                    continue
                prio = {k: v for k, v in kv if k.startswith("Priority")}
                for key, value in kv:
                    codename = key.split("_", 1)[0]
                    if "_" not in key or codename not in codenames:
                        continue
                    src = key[len(codename) + 1:]
                    if src not in by_src or not value:
                        continue
                    status = re.split(r"[\s(]", value, 1)[0]
                    note = value[len(status):].strip()
                    fixed = None
                    if status == "released":
                        fixed = note.lstrip("(").split(",")[0].split(")")[0].strip()
                        if not fixed:
                            continue
                        if not debver.valid(fixed):
                            odd += 1
                            continue
                    elif status not in UNFIXED:
                        continue
                    sev = severity(prio, src, codename)
                    for name, ver, srcver in by_src[src]:
                        if fixed is None:
                            rows.add((codename, cand, name, ver, "", sev, "affected"))
                        elif debver.cmp(srcver, fixed) < 0:
                            rows.add((codename, cand, name, ver, fixed, sev, "fixed"))
    if odd:
        print("ubuntu_expect: %d released lines without a version skipped" % odd, file=sys.stderr)
    for r in sorted(rows):
        print("\t".join(r[1:] if len(codenames) == 1 else r))


if __name__ == "__main__":
    main()
