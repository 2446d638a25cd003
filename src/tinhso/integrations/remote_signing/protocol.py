"""The remote signing protocol tinhso speaks: a subset of the Cloud Signature Consortium's
API (CSC v2), the shape remote signing services (SIM-based and HSM-based alike) offer.

Every request is a POST with a JSON body and "Authorization: Bearer <token>"; every answer
is JSON.

    POST /csc/v2/credentials/info
        {"credentialID": "person:lanhdao.sotuphap", "certificates": "chain"}
      → {"key": {"status": "enabled", "algo": ["1.2.840.113549.1.1.1"], "len": 2048},
         "cert": {"status": "valid", "certificates": ["<base64 DER>", ...]},
         "authMode": "implicit"}
        The signer's certificate first, then its issuers.

    POST /csc/v2/signatures/signHash
        {"credentialID": "...", "hashes": ["<base64>"],
         "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.113549.1.1.1"}
      → {"signatures": ["<base64>"]}
        One RSA PKCS#1 v1.5 signature per hash, in order. The hash is computed by the caller:
        the document never leaves tinhso.

    Errors: 400 {"error": "invalid_request", "error_description": "..."},
            401 {"error": "invalid_token", ...}, 403 {"error": "access_denied", ...} (the
            holder refused, on the phone for SIM signing).

    GET /healthz → {"status": "ok"}

What tinhso leaves out of CSC: the OAuth authorisation of credentials (SAD): the service
here authorises the caller by its token and the holder confirms on his or her device, as
"implicit" authMode says.
"""

INFO_PATH = "/csc/v2/credentials/info"
SIGN_PATH = "/csc/v2/signatures/signHash"
RSA_OID = "1.2.840.113549.1.1.1"
HASH_OIDS = {"sha256": "2.16.840.1.101.3.4.2.1", "sha384": "2.16.840.1.101.3.4.2.2",
             "sha512": "2.16.840.1.101.3.4.2.3"}
HASH_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}
