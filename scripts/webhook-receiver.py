#!/usr/bin/env python3
"""The demo's stand-in for the operator's webhook endpoint: accepts each POST, answers 200,
and appends the body (one JSON document per line) to the file named by its first argument.
It listens on 127.0.0.1 on a free port and writes the port to the file named by its second
argument, so that the demo can put the URL in settle.toml."""
import http.server
import sys

OUT, PORT_FILE = sys.argv[1], sys.argv[2]


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(OUT, "ab") as f:
            f.write(body + b"\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
with open(PORT_FILE, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
