"""Schema fuzzing: schemathesis against the running API, anonymous and as each kind of official.

Officials' software uses API tokens, people use the pages' session (with the second factor
for privileged roles). The server is pytest-django's live server (real HTTP, the test
database); schemathesis runs as its own process, as an outside client would. Every operation
of `/api/schema/` is tried with generated and edge-case input. The checks: no server error,
every status and content type the API answers is documented, and every body matches its
declared schema (so a field that can be null must be declared nullable). Each run is bounded
by FUZZ_SECONDS so CI stays within its time; FUZZ_SECONDS=600 makes a deeper run by hand.
"""

import io
import os
import secrets
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.core import tokens
from tinhso.core.models import User, UserRole
from tinhso.core.roles import Role
from tinhso.dossiers.models import Status

FUZZ_SECONDS = int(os.environ.get("FUZZ_SECONDS", "25"))
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance")

def _schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("schemathesis is not installed (pip install -e '.[test]')")
    return found

def _session_headers(user: User, *, verified: bool) -> list[str]:
    """A signed-in session as the pages have it, with the CSRF pair a browser would send."""
    client = Client()
    client.force_login(user)
    if verified:  # the second factor confirmed, as core.otp.verify leaves the session
        device = TOTPDevice.objects.create(user=user, name="fuzz", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked token
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    return ["-H", f"Cookie: {cookie}", "-H", f"X-CSRFToken: {csrf}"]

def _token_headers(user: User) -> list[str]:
    """An API token of the official's account, as an agency's software would hold it."""
    _token, key = tokens.issue(None, user, name="fuzz")
    return ["-H", f"Authorization: Bearer {key}"]


def _fuzz(base_url: str, tmp_path: Path, name: str, headers: list[str]) -> None:
    # The schema is read anonymously: a credential that is refused everywhere (a privileged
    # session without its second factor) must still be tried on every operation.
    schema = tmp_path / "openapi.json"
    with urllib.request.urlopen(f"{base_url}/api/schema/?format=json") as answer:
        schema.write_bytes(answer.read())
    reports = tmp_path / name
    command = [
        _schemathesis(), "run", str(schema), "--url", base_url, "--checks", CHECKS,
        "--phases", "examples,coverage,fuzzing", "--max-time", str(FUZZ_SECONDS),
        "--workers", "1", "--max-examples", "20", "--seed", "20261204",
        "--request-timeout", "20", "--no-color", "--report", "junit",
        "--report-dir", str(reports),
        # One connection a request, as behind gunicorn's sync workers: the test server's
        # keep-alive misreads a body left unread by an early 401 as the next request.
        "-H", "Connection: close", *headers,
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=FUZZ_SECONDS * 8,
                         check=False)
    assert run.returncode == 0, f"schemathesis as {name}:\n{run.stdout[-20000:]}\n{run.stderr}"

@pytest.fixture
def served(live_server, province, make_dossier, settings):
    """The small province with dossiers in several states, the second factor required."""
    settings.TINHSO_REQUIRE_OTP_FOR_PRIVILEGED = True
    for status in (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.RETURNED):
        make_dossier(status)
    admin = User.objects.create(username="quantri", full_name="Quản trị", is_staff=True)
    UserRole.objects.create(user=admin, role=Role.SYSTEM_ADMIN)
    province.admin = admin
    call_command("refresh_metrics", "--full", stdout=io.StringIO())  # the index API's data
    return live_server.url, province

def test_anonymous(served, tmp_path):
    url, _p = served
    _fuzz(url, tmp_path, "anonymous", [])

@pytest.mark.parametrize("role", ["officer", "specialist", "division_head"])
def test_official_with_a_token(served, tmp_path, role):
    url, p = served
    _fuzz(url, tmp_path, role, _token_headers(getattr(p, role)))


@pytest.mark.parametrize("role", ["officer", "citizen"])
def test_signed_in_session(served, tmp_path, role):
    url, p = served
    _fuzz(url, tmp_path, f"{role}-session", _session_headers(getattr(p, role), verified=False))

@pytest.mark.parametrize("role", ["leader", "supervisor", "admin"])
def test_privileged_with_second_factor(served, tmp_path, role):
    url, p = served
    _fuzz(url, tmp_path, role, _session_headers(getattr(p, role), verified=True))

def test_privileged_without_second_factor_is_refused_everywhere(served, tmp_path):
    """An unverified privileged session is answered 403 (documented) and never a 500."""
    url, p = served
    _fuzz(url, tmp_path, "leader-unverified", _session_headers(p.leader, verified=False))
