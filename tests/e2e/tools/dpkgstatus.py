"""Installed packages of a dpkg status file, for the e2e tests' expectation
tools: (name, version, source name, source version) per paragraph whose
Status: ends in `installed` (PRODUCT.md, "Matching rules")."""


def packages(text):
    out = []
    for para in text.split("\n\n"):
        fields, key = {}, None
        for line in para.split("\n"):
            if not line or line[0] in " \t":
                continue
            if ":" in line:
                key, value = line.split(":", 1)
                fields[key.strip()] = value.strip()
        name, version = fields.get("Package"), fields.get("Version")
        if not name or not version:
            continue
        if "Status" in fields and fields["Status"].split()[-1:] != ["installed"]:
            continue
        src, srcver = name, version
        if fields.get("Source"):
            words = fields["Source"].split(None, 1)
            src = words[0]
            if len(words) > 1 and words[1].startswith("("):
                srcver = words[1].strip("() ")
        out.append((name, version, src, srcver))
    return out
