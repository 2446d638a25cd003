"""What every simulator of an outside system shares: a JSON-over-HTTP handler and running
until interrupted. Each simulator is its own process, standard library only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def running(server) -> Iterator[str]:
    """The server answering from a thread while the block runs (tests, benches); yields its
    base URL, and shuts it down and frees its port after."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
