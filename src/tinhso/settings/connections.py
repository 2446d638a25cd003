"""Settings of the national systems tinhso connects to (the public service portal, the
population database, the personal e-data store, the document exchange axis), of the signing
service, and of the LGSP gateway. Read by Django through tinhso.settings."""

import os
from pathlib import Path

from .env import VAR_DIR, env_list
from .env import derived_secret as _derived_secret

# --- The national public service portal (DVCQG): every dossier change is synchronised to it
# by `tinhso sync_national_portal` (dossiers.portal_sync). The URL is the portal adapter's
# base address (`/auth`, `/integration`); the demo runs the simulator (`tinhso
# national_portal`) there. A province sets the account the portal issued to it.
TINHSO_NATIONAL_PORTAL_BACKEND = os.environ.get(
    "TINHSO_NATIONAL_PORTAL_BACKEND", "tinhso.integrations.national_portal.DvcqgPortal")
TINHSO_NATIONAL_PORTAL_URL = os.environ.get("TINHSO_NATIONAL_PORTAL_URL",
                                            "http://127.0.0.1:8200")
TINHSO_NATIONAL_PORTAL_USERNAME = os.environ.get("TINHSO_NATIONAL_PORTAL_USERNAME", "tinhso")
TINHSO_NATIONAL_PORTAL_PASSWORD = (os.environ.get("TINHSO_NATIONAL_PORTAL_PASSWORD")
                                   or _derived_secret("national-portal"))
# The province's code on the portal (madonvi), e.g. H44 for Phú Thọ.
TINHSO_NATIONAL_PORTAL_AGENCY_CODE = os.environ.get("TINHSO_NATIONAL_PORTAL_AGENCY_CODE", "H44")
TINHSO_NATIONAL_PORTAL_TIMEOUT = float(os.environ.get("TINHSO_NATIONAL_PORTAL_TIMEOUT", "10"))

# --- The national population database: a citizen looked up by personal id, with consent
# (dossiers.population). The demo runs the simulator (`tinhso population_registry`).
TINHSO_POPULATION_BACKEND = os.environ.get("TINHSO_POPULATION_BACKEND",
                                           "tinhso.integrations.population.PopulationClient")
TINHSO_POPULATION_URL = os.environ.get("TINHSO_POPULATION_URL", "http://127.0.0.1:8210")
TINHSO_POPULATION_TOKEN = (os.environ.get("TINHSO_POPULATION_TOKEN")
                           or _derived_secret("population-registry"))
TINHSO_POPULATION_TIMEOUT = float(os.environ.get("TINHSO_POPULATION_TIMEOUT", "5"))

# --- The national personal e-data store: the papers and results of finished dossiers are
# kept there per owner (dossiers.edata_sync, sent by `tinhso sync_national_portal`). The demo
# runs the simulator (`tinhso edata_store`).
TINHSO_EDATA_BACKEND = os.environ.get("TINHSO_EDATA_BACKEND",
                                      "tinhso.integrations.edata.EdataClient")
TINHSO_EDATA_URL = os.environ.get("TINHSO_EDATA_URL", "http://127.0.0.1:8240")
TINHSO_EDATA_TOKEN = os.environ.get("TINHSO_EDATA_TOKEN") or _derived_secret("edata-store")
TINHSO_EDATA_TIMEOUT = float(os.environ.get("TINHSO_EDATA_TIMEOUT", "10"))

# --- The national document exchange axis (trục liên thông văn bản quốc gia): edXML packages
# sent to and pulled from other provinces and ministries (documents.axis_port,
# docs/document-axis.md). The demo runs the simulator (`tinhso document_axis`); the key goes in
# X-Api-Key (through the LGSP the gateway's assertion goes in Authorization beside it).
TINHSO_DOCUMENT_AXIS_BACKEND = os.environ.get(
    "TINHSO_DOCUMENT_AXIS_BACKEND", "tinhso.integrations.document_axis.DocumentAxisClient")
TINHSO_DOCUMENT_AXIS_URL = os.environ.get("TINHSO_DOCUMENT_AXIS_URL", "http://127.0.0.1:8250")
TINHSO_DOCUMENT_AXIS_TOKEN = (os.environ.get("TINHSO_DOCUMENT_AXIS_TOKEN")
                              or _derived_secret("document-axis"))
# Packages carry their attachments: allow for a few megabytes each way.
TINHSO_DOCUMENT_AXIS_TIMEOUT = float(os.environ.get("TINHSO_DOCUMENT_AXIS_TIMEOUT", "30"))

# --- Digital signatures (tinhso.signing, docs/signing.md). Keys: a PKCS#12 file per official
# ("person:<username>") and per agency seal ("seal:<code>") under the PKI directory, which the
# demo fills with `tinhso make_demo_pki`; or a remote (SIM/HSM) signing service. Validation is
# offline: against these trust roots and CRLs only (PEM or DER files; CRLs named *.crl).
TINHSO_SIGNING_PKI_DIR = Path(os.environ.get("TINHSO_SIGNING_PKI_DIR", VAR_DIR / "pki"))
TINHSO_SIGNING_TRUST_ROOTS = env_list("TINHSO_SIGNING_TRUST_ROOTS") or [
    str(TINHSO_SIGNING_PKI_DIR / "root.pem")]
TINHSO_SIGNING_CRLS = env_list("TINHSO_SIGNING_CRLS") or [
    str(TINHSO_SIGNING_PKI_DIR / name) for name in ("root.crl", "ca.crl")]
# soft-fail: a certificate a configured CRL lists is revoked, one no CRL covers is not refused;
# hard-fail: revocation data is required for every certificate of the chain.
TINHSO_SIGNING_REVOCATION_MODE = os.environ.get("TINHSO_SIGNING_REVOCATION_MODE", "soft-fail")
TINHSO_SIGNING_KEY_STORE = os.environ.get("TINHSO_SIGNING_KEY_STORE",
                                          "tinhso.signing.keys.Pkcs12KeyStore")
TINHSO_SIGNING_PKCS12_PASSWORD = (os.environ.get("TINHSO_SIGNING_PKCS12_PASSWORD")
                                  or _derived_secret("signing-pkcs12"))
# The remote signer (integrations.remote_signing.RemoteKeyStore): its address and API token.
TINHSO_SIGNING_REMOTE_URL = os.environ.get("TINHSO_SIGNING_REMOTE_URL", "http://127.0.0.1:8300")
TINHSO_SIGNING_REMOTE_TOKEN = (os.environ.get("TINHSO_SIGNING_REMOTE_TOKEN")
                               or _derived_secret("remote-signing"))
TINHSO_SIGNING_REMOTE_TIMEOUT = float(os.environ.get("TINHSO_SIGNING_REMOTE_TIMEOUT", "30"))
# An RFC 3161 time-stamping authority; empty: signatures carry no time-stamp.
TINHSO_SIGNING_TSA_URL = os.environ.get("TINHSO_SIGNING_TSA_URL", "")

# --- The LGSP gateway (tinhso.exchange, docs/exchange.md): `tinhso gateway` serves on
# TINHSO_GATEWAY_HOST:TINHSO_GATEWAY_PORT. Clients sign JWT assertions for the audience below.
TINHSO_GATEWAY_HOST = os.environ.get("TINHSO_GATEWAY_HOST", "127.0.0.1")
TINHSO_GATEWAY_PORT = int(os.environ.get("TINHSO_GATEWAY_PORT", "8200"))
TINHSO_GATEWAY_AUDIENCE = os.environ.get("TINHSO_GATEWAY_AUDIENCE", "tinhso-lgsp")
# An assertion lives at most this long (exp - iat, seconds); its jti is never accepted twice.
TINHSO_GATEWAY_MAX_ASSERTION_AGE = int(os.environ.get("TINHSO_GATEWAY_MAX_ASSERTION_AGE", "300"))
TINHSO_GATEWAY_MAX_BODY = int(os.environ.get("TINHSO_GATEWAY_MAX_BODY", str(10 * 1024 * 1024)))
# The registry is read into memory and refreshed every so many seconds, never per request.
TINHSO_GATEWAY_REFRESH_SECONDS = float(os.environ.get("TINHSO_GATEWAY_REFRESH_SECONDS", "5"))
# A service's circuit opens after this many failures in a row, and stays open this long.
TINHSO_GATEWAY_BREAKER_FAILURES = int(os.environ.get("TINHSO_GATEWAY_BREAKER_FAILURES", "5"))
TINHSO_GATEWAY_BREAKER_COOLDOWN = float(os.environ.get("TINHSO_GATEWAY_BREAKER_COOLDOWN", "10"))
# TLS for the gateway: its certificate (chain after it) and key; empty: plain HTTP. With a
# client CA (PEM, one or more CAs), clients may authenticate with a certificate it issued,
# checked against the CRLs listed (DER or PEM, re-read when a file changes).
TINHSO_GATEWAY_TLS_CERT = os.environ.get("TINHSO_GATEWAY_TLS_CERT", "")
TINHSO_GATEWAY_TLS_KEY = os.environ.get("TINHSO_GATEWAY_TLS_KEY", "")
TINHSO_GATEWAY_TLS_CLIENT_CA = os.environ.get("TINHSO_GATEWAY_TLS_CLIENT_CA", "")
TINHSO_GATEWAY_TLS_CRLS = env_list("TINHSO_GATEWAY_TLS_CRLS")
# The one-stop system as a client of the gateway: an adapter whose URL starts with
# TINHSO_LGSP_GATEWAY_URL signs each call as TINHSO_LGSP_CLIENT with the private key in
# TINHSO_LGSP_CLIENT_KEY_FILE (exchange.assertions). Empty: adapters call their systems directly.
TINHSO_LGSP_GATEWAY_URL = os.environ.get("TINHSO_LGSP_GATEWAY_URL", "")
TINHSO_LGSP_CLIENT = os.environ.get("TINHSO_LGSP_CLIENT", "GOV/000.00.00.H44/MOTCUA")
TINHSO_LGSP_CLIENT_KEY_FILE = Path(os.environ.get(
    "TINHSO_LGSP_CLIENT_KEY_FILE", VAR_DIR / "exchange-demo-client.pem"))
# Mutual TLS instead: the client system's certificate (PEM, its CA after it) and key, issued by
# the province's CA; the certificate is then its proof and no assertion is signed. And the
# roots that the gateway's own certificate must chain to (empty: the system's).
TINHSO_LGSP_CLIENT_CERT = os.environ.get("TINHSO_LGSP_CLIENT_CERT", "")
TINHSO_LGSP_CLIENT_CERT_KEY = os.environ.get("TINHSO_LGSP_CLIENT_CERT_KEY", "")
TINHSO_LGSP_CA_FILE = os.environ.get("TINHSO_LGSP_CA_FILE", "")
# The message log's writer commits up to this many records at once (one signed batch).
TINHSO_GATEWAY_LOG_BATCH = int(os.environ.get("TINHSO_GATEWAY_LOG_BATCH", "500"))
# The message log's batches are signed with an Ed25519 key (PEM; else a file made on first use)
# and each batch line is appended to an anchor file outside the database.
TINHSO_EXCHANGE_SIGNING_KEY = os.environ.get("TINHSO_EXCHANGE_SIGNING_KEY", "")
TINHSO_EXCHANGE_SIGNING_KEY_FILE = Path(os.environ.get(
    "TINHSO_EXCHANGE_SIGNING_KEY_FILE", VAR_DIR / "exchange_ed25519.pem"))
TINHSO_EXCHANGE_ANCHOR_PATH = Path(os.environ.get("TINHSO_EXCHANGE_ANCHOR_PATH",
                                                  VAR_DIR / "exchange-anchor.jsonl"))
# An RFC 3161 time-stamping authority for the log's batches; empty: batches are not stamped.
TINHSO_EXCHANGE_TSA_URL = os.environ.get("TINHSO_EXCHANGE_TSA_URL", "")
# How often the gateway stamps the newest batch (seconds): one token covers all before it.
TINHSO_EXCHANGE_TSA_EVERY = float(os.environ.get("TINHSO_EXCHANGE_TSA_EVERY", "10"))
# PEM files of the roots a batch's time-stamping authority must chain to (verify_exchange_log);
# empty: the signing service's trust roots (TINHSO_SIGNING_TRUST_ROOTS).
TINHSO_EXCHANGE_TSA_TRUST_ROOTS = env_list("TINHSO_EXCHANGE_TSA_TRUST_ROOTS")
# CRL files (DER or PEM) of that chain's CAs; empty: the signing service's (TINHSO_SIGNING_CRLS).
TINHSO_EXCHANGE_TSA_CRLS = env_list("TINHSO_EXCHANGE_TSA_CRLS")
