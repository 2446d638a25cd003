"""The client adapter: a Signer (tinhso.signing.ports) whose key is at a remote signing
service. Standard library HTTP: the worker needs nothing more."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings

from tinhso.signing.keys import prehashed
from tinhso.signing.ports import SigningError

from .protocol import HASH_OIDS, INFO_PATH, RSA_OID, SIGN_PATH


class RemoteSigner:
    def __init__(self, base_url: str, credential_id: str, token: str, timeout: float = 30):
        if not base_url.startswith(("https://", "http://")):
            raise SigningError("TINHSO_SIGNING_REMOTE_URL phải là địa chỉ http(s).")
        self.base_url = base_url.rstrip("/")
        self.credential_id = credential_id
        self.token = token
        self.timeout = timeout
        self._chain: list[x509.Certificate] | None = None

    def _post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            self.base_url + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read() or b"{}")
            except ValueError:
                answer = {}
            reason = answer.get("error_description") or answer.get("error") or exc.reason
            code = {403: "signing_refused"}.get(exc.code, "signing_failed")
            raise SigningError(f"Dịch vụ ký số từ xa từ chối ({exc.code}): {reason}",
                               code=code) from None
        except (OSError, ValueError) as exc:
            raise SigningError(f"Không kết nối được dịch vụ ký số từ xa: {exc}") from None

    def certificate_chain(self) -> list[x509.Certificate]:
        if self._chain is None:
            answer = self._post(INFO_PATH, {"credentialID": self.credential_id,
                                            "certificates": "chain"})
            try:
                self._chain = [x509.load_der_x509_certificate(base64.b64decode(c))
                               for c in answer["cert"]["certificates"]]
            except (KeyError, TypeError, ValueError):
                raise SigningError("Dịch vụ ký số từ xa trả về chứng thư không đọc được.") \
                    from None
            if not self._chain:
                raise SigningError("Dịch vụ ký số từ xa không trả về chứng thư nào.")
        return list(self._chain)

    def sign_digest(self, digest: bytes, hash_algorithm: str = "sha256") -> bytes:
        algorithm = prehashed(hash_algorithm)  # refuses an unsupported hash first
        answer = self._post(SIGN_PATH, {
            "credentialID": self.credential_id,
            "hashes": [base64.b64encode(digest).decode()],
            "hashAlgorithmOID": HASH_OIDS[hash_algorithm], "signAlgo": RSA_OID})
        try:
            signature = base64.b64decode(answer["signatures"][0])
        except (KeyError, IndexError, TypeError, ValueError):
            raise SigningError("Dịch vụ ký số từ xa trả về chữ ký không đọc được.") from None
        # A signature from another key (a service's mix-up) would make a document nobody can
        # verify: check it against the certificate before it goes into one.
        key = self.certificate_chain()[0].public_key()
        try:
            if not isinstance(key, rsa.RSAPublicKey):
                raise InvalidSignature
            key.verify(signature, digest, padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            raise SigningError("Chữ ký từ dịch vụ ký số từ xa không khớp chứng thư.") from None
        return signature


class RemoteKeyStore:
    """identity ("person:<username>", "seal:<agency code>") -> its credential at the
    remote service (TINHSO_SIGNING_REMOTE_URL, TINHSO_SIGNING_REMOTE_TOKEN)."""

    def signer(self, identity: str) -> RemoteSigner:
        return RemoteSigner(settings.TINHSO_SIGNING_REMOTE_URL, identity,
                            settings.TINHSO_SIGNING_REMOTE_TOKEN,
                            settings.TINHSO_SIGNING_REMOTE_TIMEOUT)
