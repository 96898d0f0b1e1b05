#!/usr/bin/env python3
"""Run a command with its stderr on a pseudo-terminal (stdin: /dev/null,
stdout: a file) and write what the terminal received to ERRFILE, raw
(carriage returns and escape sequences kept). Exits with the command's
status. For tests of what vigil draws on a TTY only.
usage: pty_run.py OUTFILE ERRFILE CMD [ARG]..."""
import os
import subprocess
import sys

out_path, err_path, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
master, slave = os.openpty()
with open(out_path, "wb") as out, open(os.devnull, "rb") as devnull:
    proc = subprocess.Popen(cmd, stdin=devnull, stdout=out, stderr=slave)
os.close(slave)
got = bytearray()
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: every writer has closed the terminal
        break
    if not chunk:
        break
    got += chunk
os.close(master)
rc = proc.wait()
with open(err_path, "wb") as f:
    f.write(bytes(got))
sys.exit(rc)
