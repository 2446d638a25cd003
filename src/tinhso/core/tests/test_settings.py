"""Settings come from the environment: checked in a fresh interpreter for each case."""

import json
import os
import subprocess
import sys

PROBE = (
    "import json, django; from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS, 'key': s.SECRET_KEY, 'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE}))"
)


def _settings(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TINHSO_", "DATABASE_URL"))}
    base.update({"DJANGO_SETTINGS_MODULE": "tinhso.settings", "TINHSO_VAR_DIR": str(tmp_path)})
    base.update(env)
    out = subprocess.run([sys.executable, "-c", PROBE], env=base, capture_output=True,
                         text=True, check=False)
    return out


def test_defaults_are_sqlite_under_var_with_a_kept_secret(tmp_path):
    first = json.loads(_settings(tmp_path).stdout)
    second = json.loads(_settings(tmp_path).stdout)
    assert first["engine"] == "django.db.backends.sqlite3"
    assert first["name"] == str(tmp_path / "tinhso.sqlite3")
    assert first["debug"] is False
    assert first["tz"] == "Asia/Ho_Chi_Minh" and first["lang"] == "vi"
    assert len(first["key"]) > 40 and first["key"] == second["key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_url_and_hosts_from_environment(tmp_path):
    out = json.loads(_settings(
        tmp_path, DATABASE_URL="postgres://u:p@db.example:5432/tinhso",
        TINHSO_ALLOWED_HOSTS="a.gov.vn, b.gov.vn", TINHSO_SECRET_KEY="k" * 50,
    ).stdout)
    assert out["engine"] == "django.db.backends.postgresql"
    assert out["name"] == "tinhso"
    assert out["hosts"] == ["a.gov.vn", "b.gov.vn"]
    assert out["key"] == "k" * 50


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    out = _settings(tmp_path, TINHSO_PRODUCTION="1")
    assert out.returncode != 0
    assert "TINHSO_SECRET_KEY is required" in out.stderr


SECURITY_PROBE = (
    "import json, django; from django.conf import settings as s; "
    "print(json.dumps({'ssl': s.SECURE_SSL_REDIRECT, 'exempt': s.SECURE_REDIRECT_EXEMPT, "
    "'hsts': s.SECURE_HSTS_SECONDS, 'idp': s.TINHSO_DEMO_IDP, "
    "'options': s.DATABASES['default'].get('OPTIONS', {})}))"
)


def _security(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TINHSO_", "DATABASE_URL"))}
    base.update({"DJANGO_SETTINGS_MODULE": "tinhso.settings", "TINHSO_VAR_DIR": str(tmp_path)})
    base.update(env)
    out = subprocess.run([sys.executable, "-c", SECURITY_PROBE], env=base, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def test_the_demo_is_plain_http_with_its_provider_and_immediate_sqlite_transactions(tmp_path):
    demo = _security(tmp_path)
    assert (demo["ssl"], demo["hsts"], demo["idp"]) == (False, 0, True)
    assert demo["options"]["transaction_mode"] == "IMMEDIATE"
    assert demo["options"]["timeout"] >= 5 and "journal_mode=WAL" in demo["options"][
        "init_command"]


def test_production_is_https_only_for_a_year_and_has_no_demo_provider(tmp_path):
    prod = _security(tmp_path, TINHSO_PRODUCTION="1", TINHSO_SECRET_KEY="k" * 50,
                     DATABASE_URL="postgres://u:p@db.example:5432/tinhso")
    assert (prod["ssl"], prod["hsts"], prod["idp"]) == (True, 31536000, False)
    assert prod["exempt"] == [r"^healthz$"]  # the load balancer's probe stays plain HTTP
    assert "transaction_mode" not in prod["options"]
