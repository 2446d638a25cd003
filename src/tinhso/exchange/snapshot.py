"""The registry as the gateway holds it in memory: read whole in a worker thread, swapped in
at once, so that no request ever waits for the database to learn who may call what."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import close_old_connections
from django.utils import timezone

from . import soap
from .key_ids import key_id
from .models import AccessRight, ClientCredential, MemberSystem, MessageRecord, Service

logger = logging.getLogger("tinhso.exchange.gateway")


@dataclass(frozen=True)
class ServiceEntry:
    pk: int
    identifier: str
    base_url: str
    timeout: float
    rate: float
    burst: int
    soap: soap.SoapService | None = None  # set: JSON from clients, SOAP to the provider


@dataclass
class Registry:
    # client identifier -> {key id (exchange.key_ids): public key}
    keys: dict[str, dict] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)  # fingerprint -> client
    services: dict[tuple, ServiceEntry] = field(default_factory=dict)
    rights: dict[tuple[str, int], list[tuple[str, str]]] = field(default_factory=dict)
    loaded_at: float = 0.0


_ALGORITHMS = {"Ed25519PublicKey": ["EdDSA"], "EllipticCurvePublicKey": ["ES256", "ES384"],
               "RSAPublicKey": ["RS256", "PS256"]}


def algorithms_for(key) -> list[str]:
    for base in type(key).__mro__:
        if base.__name__ in _ALGORITHMS:
            return _ALGORITHMS[base.__name__]
    return []


def load_registry() -> Registry:
    """Read the whole registry (a few thousand rows at most); runs in a worker thread."""
    from cryptography.hazmat.primitives import serialization

    close_old_connections()
    now = timezone.now()
    registry = Registry(loaded_at=time.time())
    active = set(MemberSystem.objects.filter(is_active=True).values_list("identifier",
                                                                         flat=True))
    credentials = ClientCredential.objects.filter(
        revoked_at__isnull=True, system__is_active=True).select_related("system")
    for credential in credentials:
        if credential.valid_to is not None and credential.valid_to <= now:
            continue
        if credential.kind == ClientCredential.Kind.TLS_CERT:
            registry.certificates[credential.cert_fingerprint] = credential.system.identifier
            continue
        try:
            key = serialization.load_pem_public_key(credential.public_key_pem.encode())
        except ValueError:
            logger.warning("credential %s: unreadable public key", credential.pk)
            continue
        registry.keys.setdefault(credential.system.identifier, {})[key_id(key)] = key
    for s in Service.objects.filter(is_active=True, provider__is_active=True).select_related(
            "provider"):
        p = s.provider
        converted = None
        if s.protocol == Service.Protocol.SOAP and s.rest_exposure:
            try:
                converted = soap.read_wsdl(s.description)
            except soap.WsdlError:  # checked at registration; never forward JSON as SOAP
                logger.warning("service %s: unreadable WSDL, not served", s.identifier)
                continue
        registry.services[(p.member_class, p.member_code, p.subsystem, s.code, s.version)] = \
            ServiceEntry(s.pk, s.identifier, s.base_url, s.timeout_ms / 1000, s.rate_limit,
                         s.burst, converted)
    for client, service_id, method, prefix in AccessRight.objects.values_list(
            "client__identifier", "service_id", "method", "path_prefix"):
        if client in active:
            registry.rights.setdefault((client, service_id), []).append((method, prefix))
    return registry


def recent_jtis(max_age: float) -> dict[str, float]:
    """Assertion ids the log holds from the last `max_age` seconds: after a restart they are
    still refused as replays."""
    close_old_connections()
    since = timezone.now() - timedelta(seconds=max_age)
    until = time.time() + max_age
    return {jti: until for jti in MessageRecord.objects.filter(
        started_at__gte=since).exclude(jti="").values_list("jti", flat=True)}
