"""Test-wide: media files under a throwaway folder, and clients signed in as someone."""

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def login():
    """login(user) -> a test client signed in as that user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
