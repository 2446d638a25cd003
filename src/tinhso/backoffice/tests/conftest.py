import pytest
from django.test import Client

from tinhso.dossiers.tests.conftest import make_dossier, province  # noqa: F401


@pytest.fixture
def login():
    """login(user) -> a test client logged in as that user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
