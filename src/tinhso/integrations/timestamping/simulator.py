"""An RFC 3161 time-stamping authority over HTTP (RFC 3161 §3.4): POST a TimeStampReq
(application/timestamp-query), get a TimeStampResp (application/timestamp-reply). Tokens are
real (CMS signed with the TSA key the demo PKI issued, `tsa.pem`), made by pyHanko's
in-process stamper; a province uses its licensed TSA instead (TINHSO_SIGNING_TSA_URL)."""

from __future__ import annotations

import asyncio
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from tinhso.signing.pki import DemoPki

log = logging.getLogger(__name__)
MAX_BODY = 16 * 1024


def stamper(pki: DemoPki) -> DummyTimeStamper:
    tsa = pki.issue_tsa()
    der = lambda cert: asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))  # noqa: E731
    key = keys.PrivateKeyInfo.load(tsa.key.private_bytes(Encoding.DER, PrivateFormat.PKCS8,
                                                         NoEncryption()))
    return DummyTimeStamper(der(tsa.cert), key, certs_to_embed=[der(pki.ca.cert)])


def make_server(host: str, port: int, pki: DemoPki) -> ThreadingHTTPServer:
    authority = stamper(pki)

    class Handler(BaseHTTPRequestHandler):
        server_version = "tinhso-tsa-simulator/1"

        def log_message(self, fmt, *args):
            log.info("%s %s", self.address_string(), fmt % args)

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/healthz":
                return self._send(200, b'{"status": "ok"}', "application/json")
            return self._send(404, b"", "text/plain")

        def do_POST(self):
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if (self.headers.get("Content-Type") != "application/timestamp-query"
                    or not 0 < length <= MAX_BODY):
                return self._send(400, b"", "text/plain")
            try:
                request = tsp.TimeStampReq.load(self.rfile.read(length))
                request.native  # noqa: B018 (parses it all: a malformed request fails here)
                response = authority.request_tsa_response(request)
            except Exception as exc:  # a request we cannot read: RFC 3161's badRequest
                log.info("bad time-stamp request: %s", exc)
                response = tsp.TimeStampResp({"status": {
                    "status": "rejection", "fail_info": tsp.PKIFailureInfo({"bad_request"})}})
            if asyncio.iscoroutine(response):
                response = asyncio.run(response)
            return self._send(200, response.dump(), "application/timestamp-reply")

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
