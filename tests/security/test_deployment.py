"""Deployment defects of the probe (issue 12, defects 6 to 9): production mode, the demo
identity provider, the sign-in provider's address, SQLite under concurrency, headers and
/metrics. Settings that are read once at start-up are checked in a fresh interpreter."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from tinhso.idp import demo as idp_demo

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-thu-2026"
ISSUER = "https://vneid.example.gov.vn/oidc"


def _run(args, tmp_path, **env):
    """A fresh interpreter with only the given TINHSO_* variables (and a throwaway var/).

    DJANGO_ALLOW_ASYNC_UNSAFE is the browser journeys' setting for the test process (set when
    e2e/ is collected); a production server never has it, and `check --deploy` says so."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("TINHSO_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    base.update({"DJANGO_SETTINGS_MODULE": "tinhso.settings", "TINHSO_VAR_DIR": str(tmp_path)})
    base.update(env)
    return subprocess.run([sys.executable, *args], env=base, capture_output=True, text=True,
                          check=False, cwd=ROOT, timeout=300)


def _production(**env):
    return {"TINHSO_PRODUCTION": "1", "TINHSO_SECRET_KEY": secrets.token_urlsafe(50)[:50],
            "TINHSO_ALLOWED_HOSTS": "x.gov.vn", "TINHSO_OIDC_ISSUER": ISSUER, **env}


# --- 6. Production mode: no demo provider, a clean `check --deploy`, a limited sign-in form.

def test_production_passes_the_deploy_checks_without_a_single_warning(tmp_path):
    out = _run(["-m", "tinhso", "check", "--deploy", "--fail-level", "WARNING"], tmp_path,
               **_production())
    assert out.returncode == 0, out.stderr + out.stdout
    assert "System check identified no issues (0 silenced)." in out.stdout
    assert "WARNING" not in out.stderr + out.stdout


PROBE_MOUNTED = """
import json, django
django.setup()
from django.apps import apps
from django.contrib import admin
from django.urls import Resolver404, resolve
def mounted(path):
    try:
        resolve(path)
        return True
    except Resolver404:
        return False
paths = ["/idp/login/", "/idp/authorize/", "/idp/token/", "/idp/userinfo/",
         "/idp/.well-known/jwks.json", "/idp/.well-known/openid-configuration"]
print(json.dumps({
    "urls": [p for p in paths if mounted(p)],
    "apps": [a for a in ("tinhso.idp", "oauth2_provider") if apps.is_installed(a)],
    "admin": sorted(m._meta.app_label for m in admin.site._registry
                    if m._meta.app_label in ("idp", "oauth2_provider")),
}))
"""


def test_production_mounts_no_demo_provider(tmp_path):
    out = _run(["-c", PROBE_MOUNTED], tmp_path, **_production())
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"urls": [], "apps": [], "admin": []}
    # The demo has it, and TINHSO_DEMO_IDP=0 turns it off outside production too.
    demo = json.loads(_run(["-c", PROBE_MOUNTED], tmp_path).stdout)
    assert len(demo["urls"]) == 6 and demo["apps"] == ["tinhso.idp", "oauth2_provider"]
    off = json.loads(_run(["-c", PROBE_MOUNTED], tmp_path, TINHSO_DEMO_IDP="0").stdout)
    assert off == {"urls": [], "apps": [], "admin": []}


def test_production_without_a_sign_in_provider_is_a_configuration_error(tmp_path):
    out = _run(["-m", "tinhso", "check"], tmp_path, **_production(TINHSO_OIDC_ISSUER=""))
    assert out.returncode != 0
    assert "tinhso.E001" in out.stderr and "TINHSO_OIDC_ISSUER" in out.stderr


def test_plain_http_is_redirected_in_production_but_the_health_probe_is_not(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    answer = client.get("/track/")
    assert answer.status_code == 301 and answer["Location"].startswith("https://")


@pytest.fixture
def identity(db):
    cache.clear()  # the sign-in counters live in the cache
    identity, _created = idp_demo.ensure_identity(idp_demo.CITIZENS[0], PASSWORD)
    yield identity
    cache.clear()


def _idp_login(personal_id, password, address="203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(
        "/idp/login/", {"personal_id": personal_id, "password": password})


def test_the_demo_provider_stops_guessing_one_citizens_password(settings, identity):
    settings.TINHSO_IDP_FAILURE_LIMIT = 3
    for n in range(3):  # from different addresses: the limit is the account's
        assert _idp_login(identity.personal_id, f"sai-{n}", f"198.51.100.{n}").status_code == 200
    refused = _idp_login(identity.personal_id, PASSWORD, "198.51.100.99")
    assert refused.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in refused.content.decode()
    assert "idp_identity_id" not in refused.client.session


def test_the_demo_provider_stops_one_address_trying_many_citizens(settings, identity):
    settings.TINHSO_IDP_ADDRESS_FAILURE_LIMIT = 4
    for n in range(4):
        assert _idp_login(f"02509000{n:04d}", "sai").status_code == 200
    assert _idp_login(identity.personal_id, PASSWORD).status_code == 429
    # Another address signs the same citizen in.
    assert _idp_login(identity.personal_id, PASSWORD, "192.0.2.1").status_code == 302


# --- 7. The sign-in provider's address comes from configuration, never from the Host header.

class Stop(Exception):
    """Stands for the provider's answer: the test only wants to know where the server went."""


def test_a_forged_host_never_sends_the_code_or_the_client_secret_elsewhere(settings, db):
    settings.TINHSO_SITE_URL = "http://127.0.0.1:8000"
    client = Client()
    start = client.get("/oidc/authenticate/", {"next": "/my/dossiers/"},
                       HTTP_HOST="localhost:9")
    assert start.status_code == 302
    assert urlsplit(start["Location"]).netloc == "127.0.0.1:8000"
    state = next(iter(client.session["oidc_states"]))
    asked = []

    def provider(url, *args, **kwargs):
        asked.append(url)
        raise Stop

    with (mock.patch("mozilla_django_oidc.auth.requests.post", provider),
          mock.patch("mozilla_django_oidc.auth.requests.get", provider),
          pytest.raises(Stop)):
        client.get("/oidc/callback/", {"code": "replayed", "state": state},
                   HTTP_HOST="localhost:9")
    assert asked == ["http://127.0.0.1:8000/idp/token/"]


# --- 8. The embedded SQLite file holds a small office's concurrent requests.

def test_concurrent_sign_ins_filings_and_lists_on_the_sqlite_file(tmp_path):
    # Officials sign in and open lists while citizens file online, in threads with their own
    # connections (tests/security/sqlite_load.py); before immediate transactions a filing that
    # read the code counter and then wrote it failed at once with "database is locked".
    out = _run(["-m", "tests.security.sqlite_load"], tmp_path, TINHSO_LOG_LEVEL="ERROR")
    assert out.returncode == 0, out.stderr[-3000:]
    problems = json.loads(out.stdout)
    assert problems == [], problems[0][-2000:]


# --- 9. Headers: a Content-Security-Policy, no-store on personal pages, /metrics closed.

TEMPLATES = ROOT / "src" / "tinhso"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=|javascript:", re.I)


def test_no_template_runs_inline_script():
    offenders = [str(path.relative_to(ROOT)) for path in TEMPLATES.rglob("*.html")
                 if INLINE_SCRIPT.search(text := path.read_text())
                 or INLINE_HANDLER.search(text)]
    assert offenders == []


@pytest.mark.parametrize("path", ["/", "/track/", "/login/", "/dashboard/", "/api/docs/",
                                  "/admin/login/", "/idp/login/", "/petitions/new/"])
def test_every_page_has_a_content_security_policy_without_inline_scripts(db, path):
    answer = Client().get(path)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/html")
    policy = dict(part.strip().split(" ", 1) for part in answer["Content-Security-Policy"]
                  .split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert not INLINE_SCRIPT.search(answer.content.decode())


def test_swagger_ui_loads_its_start_up_script_from_a_file(db):
    script = Client().get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert script["Content-Type"].startswith("application/javascript")


def _no_store(answer) -> bool:
    return "no-store" in answer.get("Cache-Control", "")


def test_pages_with_personal_data_are_never_stored(province, login):
    official, citizen = login(province.officer), login(province.citizen)
    for answer in (official.get("/office/"), official.get("/office/dossiers/"),
                   official.get("/api/v1/dossiers/"), Client().get("/admin/login/"),
                   citizen.get("/my/dossiers/"), citizen.get("/")):
        assert answer.status_code == 200, answer.request["PATH_INFO"]
        assert _no_store(answer), answer.request["PATH_INFO"]
    # A public page for an anonymous visitor may still be cached.
    assert not _no_store(Client().get("/procedures/"))


def test_metrics_answer_only_the_operators_prometheus(settings, db):
    settings.TINHSO_METRICS_ALLOWED_IPS = ["127.0.0.1", "10.8.0.0/24"]
    settings.TINHSO_METRICS_TOKEN = "t" * 40
    settings.TINHSO_TRUSTED_PROXIES = []
    for client, headers in (
            (Client(REMOTE_ADDR="203.0.113.5"), {}),
            (Client(REMOTE_ADDR="203.0.113.5"), {"HTTP_AUTHORIZATION": "Bearer wrong"}),
            # Through a proxy on this host every visitor comes from loopback.
            (Client(REMOTE_ADDR="127.0.0.1"), {"HTTP_X_FORWARDED_FOR": "203.0.113.5"})):
        refused = client.get("/metrics", **headers)
        assert refused.status_code == 403
        assert b"django_http" not in refused.content and b"python_info" not in refused.content
    for client, headers in ((Client(REMOTE_ADDR="127.0.0.1"), {}),
                            (Client(REMOTE_ADDR="10.8.0.7"), {}),
                            (Client(REMOTE_ADDR="203.0.113.5"),
                             {"HTTP_AUTHORIZATION": "Bearer " + "t" * 40})):
        answer = client.get("/metrics", **headers)
        assert answer.status_code == 200 and b"python_info" in answer.content
