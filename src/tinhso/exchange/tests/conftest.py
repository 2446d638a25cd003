"""Fixtures of the LGSP tests: an operator, keys of client systems, a registered provider."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tinhso.core.roles import Role
from tinhso.core.tests.factories import StaffFactory, UserFactory


@pytest.fixture
def operator(db):
    return StaffFactory(username="quantri.lgsp", roles=[Role.SYSTEM_ADMIN])


@pytest.fixture
def official(db):
    return StaffFactory(username="chuyenvien", roles=[Role.SPECIALIST])


@pytest.fixture
def citizen(db):
    return UserFactory()


def new_key():
    """An Ed25519 key pair: (private key, public key PEM)."""
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, pem.decode()
