"""A remote signing service simulator (the protocol in protocol.py): the demo's stand-in for
a SIM or HSM signing service. Its "HSM" is a folder of PKCS#12 files laid out as the file key
store lays them out (people/<username>.p12, seals/<agency code>.p12).

Standard library only, so that it runs as its own process (`tinhso remote_signer`).
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from tinhso.signing.keys import Pkcs12Signer, pkcs12_path
from tinhso.signing.ports import SigningError

from .protocol import HASH_OIDS, HASH_SIZES, INFO_PATH, RSA_OID, SIGN_PATH

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
_HASH_BY_OID = {oid: name for name, oid in HASH_OIDS.items()}


class Service:
    """The keys and the rules: who may call (the token), and holders who refuse to sign."""

    def __init__(self, folder: str | Path, password: str, token: str, *,
                 confirm_seconds: float = 0.0):
        self.folder = Path(folder)
        self.password = password
        self.token = token
        self.confirm_seconds = confirm_seconds  # the holder's confirmation on the phone
        self.refusing: set[str] = set()
        self.signed: list[str] = []  # credential ids, for the operator's log and tests
        self._keys: dict[str, Pkcs12Signer] = {}
        self._lock = threading.Lock()

    def key(self, credential_id: str) -> Pkcs12Signer | None:
        with self._lock:
            if credential_id not in self._keys:
                try:
                    path = pkcs12_path(credential_id, self.folder)
                    self._keys[credential_id] = Pkcs12Signer(path, self.password)
                except SigningError:
                    return None
            return self._keys[credential_id]

    def info(self, body: dict) -> tuple[int, dict]:
        key = self.key(str(body.get("credentialID", "")))
        if key is None:
            return 400, _error("invalid_request", "Invalid parameter credentialID")
        chain = key.certificate_chain()
        if body.get("certificates", "single") == "single":
            chain = chain[:1]
        return 200, {
            "key": {"status": "enabled", "algo": [RSA_OID],
                    "len": chain[0].public_key().key_size},
            "cert": {"status": "valid", "certificates": [
                base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in chain]},
            "authMode": "implicit",
        }

    def sign_hash(self, body: dict) -> tuple[int, dict]:
        credential_id = str(body.get("credentialID", ""))
        key = self.key(credential_id)
        if key is None:
            return 400, _error("invalid_request", "Invalid parameter credentialID")
        algorithm = _HASH_BY_OID.get(body.get("hashAlgorithmOID"))
        if algorithm is None or body.get("signAlgo") != RSA_OID:
            return 400, _error("invalid_request", "Invalid parameter hashAlgorithmOID or signAlgo")
        hashes = body.get("hashes")
        if not isinstance(hashes, list) or not hashes:
            return 400, _error("invalid_request", "Missing parameter hashes")
        try:
            digests = [base64.b64decode(h, validate=True) for h in hashes]
        except (TypeError, ValueError):
            return 400, _error("invalid_request", "Invalid parameter hashes")
        if any(len(d) != HASH_SIZES[algorithm] for d in digests):
            return 400, _error("invalid_request", "Invalid digest value length")
        if self.confirm_seconds:
            time.sleep(self.confirm_seconds)
        if credential_id in self.refusing:
            return 403, _error("access_denied", "Người ký đã từ chối yêu cầu ký.")
        self.signed.append(credential_id)
        return 200, {"signatures": [
            base64.b64encode(key.sign_digest(d, algorithm)).decode() for d in digests]}


def _error(code: str, description: str) -> dict:
    return {"error": code, "error_description": description}


def make_handler(service: Service):
    class Handler(BaseHTTPRequestHandler):
        server_version = "tinhso-remote-signing-simulator/1"

        def log_message(self, fmt, *args):  # through logging, not stderr
            log.info("%s %s", self.address_string(), fmt % args)

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/healthz":
                return self._send(200, {"status": "ok"})
            return self._send(404, _error("invalid_request", "Not found"))

        def do_POST(self):
            routes = {INFO_PATH: service.info, SIGN_PATH: service.sign_hash}
            if self.path not in routes:
                return self._send(404, _error("invalid_request", "Not found"))
            given = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(given.encode(), service.token.encode()):
                return self._send(401, _error("invalid_token", "The access token is not valid"))
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if not 0 < length <= MAX_BODY:
                return self._send(400, _error("invalid_request", "Bad body length"))
            try:
                body = json.loads(self.rfile.read(length))
            except ValueError:
                return self._send(400, _error("invalid_request", "Body is not JSON"))
            if not isinstance(body, dict):
                return self._send(400, _error("invalid_request", "Body is not an object"))
            status, answer = routes[self.path](body)
            return self._send(status, answer)

    return Handler


def make_server(host: str, port: int, service: Service) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(service))
    server.daemon_threads = True
    server.service = service  # the state, for the operator's log and for tests
    return server
