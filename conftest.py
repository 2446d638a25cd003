"""Test-wide: media files under a throwaway folder, and clients signed in as someone."""

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test its own audit anchor file: checkpoints of one test never meet another's.
    settings.TINHSO_AUDIT_ANCHOR_PATH = tmp_path / "audit-anchor.jsonl"


@pytest.fixture
def seal_audit(django_capture_on_commit_callbacks):
    """seal_audit() runs the audit sealer as `tinhso seal_audit` does; its checkpoint line is
    appended to the anchor file on commit, which a test's transaction never reaches alone."""
    from tinhso.core import audit

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return audit.seal()

    return run


@pytest.fixture
def login():
    """login(user) -> a test client signed in as that user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
