"""What every simulator of an outside system shares: a JSON-over-HTTP handler and running
until interrupted. Each simulator is its own process, standard library only."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the simulators' callers log what matters
        pass

    def _answer(self, status: int, body: dict):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(server, announce, banner: str) -> None:
    """Serve until Ctrl+C, then close (a management command's body)."""
    announce(banner + " (Ctrl+C để dừng)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
