#!/usr/bin/env python3
"""A tiny HTTP server for tests/e2e/db_update.sh, laid out like an upstream
feed site: serves ROOT on 127.0.0.1 (a free port, written to PORTFILE) with
an ETag (size and mtime, as nginx makes them) and Last-Modified, answers
If-None-Match / If-Modified-Since with 304, and appends one line per request
to LOG: "GET /v3.18/main.json 304 inm=<If-None-Match or ->".

FAULTS, a file re-read at every request, holds lines "PATH 500" (answer
that status) or "PATH garbage" (200 with random bytes and a fresh ETag).
"""
import email.utils
import http.server
import os
import sys

ROOT, PORTFILE, LOG, FAULTS = sys.argv[1:5]


def faults():
    try:
        with open(FAULTS) as f:
            return dict(line.split() for line in f if line.strip())
    except FileNotFoundError:
        return {}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def record(self, status):
        with open(LOG, "a") as f:
            f.write("%s %s %d inm=%s\n" % (self.command, self.path, status,
                                          self.headers.get("If-None-Match", "-")))

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)
        self.record(status)

    def do_GET(self):
        fault = faults().get(self.path)
        if fault == "garbage":
            return self.reply(200, os.urandom(3000), [("ETag", '"garbage-%s"' % os.urandom(4).hex())])
        if fault:
            return self.reply(int(fault), b"fault\n")
        path = os.path.join(ROOT, self.path.lstrip("/"))
        if ".." in self.path or not os.path.isfile(path):
            return self.reply(404, b"not found\n")
        st = os.stat(path)
        etag = '"%x-%x"' % (int(st.st_mtime_ns), st.st_size)
        lm = email.utils.formatdate(int(st.st_mtime), usegmt=True)
        hdrs = [("ETag", etag), ("Last-Modified", lm)]
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, b"", hdrs)
        with open(path, "rb") as f:
            self.reply(200, f.read(), hdrs)


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
