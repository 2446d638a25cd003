"""Operator signals: Prometheus metrics and JSON logs."""

import io
import json
import logging
import logging.config
import os
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_metrics_expose_django_request_series(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_total_by_method" in text
    assert "django_http_requests_latency_seconds_by_view_method" in text
    # The health probe we just made is counted under its view name.
    assert 'view="healthz"' in text


def test_json_formatter_from_settings_turns_a_record_into_one_json_object():
    config = logging.config.DictConfigurator(settings.LOGGING)
    formatter = config.configure_formatter(dict(settings.LOGGING["formatters"]["json"]))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("tinhso.test_ops")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("Hồ sơ %s quá hạn", "H44.07-250701-0001")
        logger.error("dòng thứ hai")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["level"] == "WARNING"
    assert first["logger"] == "tinhso.test_ops"
    assert first["message"] == "Hồ sơ H44.07-250701-0001 quá hạn"
    assert "time" in first
    assert json.loads(lines[1])["level"] == "ERROR"


def _run_logging(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TINHSO_", "DATABASE_URL"))}
    base.update({"DJANGO_SETTINGS_MODULE": "tinhso.settings", "TINHSO_VAR_DIR": str(tmp_path)})
    base.update(env)
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('tinhso.probe').warning('xin chào %s', 'operator')")
    return subprocess.run([sys.executable, "-c", code], env=base, capture_output=True,
                          text=True, check=True)


def test_log_json_setting_switches_the_console_to_json_lines(tmp_path):
    out = _run_logging(tmp_path, TINHSO_LOG_JSON="1")
    record = json.loads(out.stderr.strip().splitlines()[-1])
    assert record["level"] == "WARNING" and record["logger"] == "tinhso.probe"
    assert record["message"] == "xin chào operator"

    plain = _run_logging(tmp_path, TINHSO_LOG_JSON="0").stderr.strip().splitlines()[-1]
    assert plain.endswith("WARNING tinhso.probe xin chào operator")
    with pytest.raises(json.JSONDecodeError):
        json.loads(plain)


def test_a_server_worker_keeps_what_it_loaded_out_of_the_collectors_walks(tmp_path):
    """wsgi.py loads the views and freezes what is loaded: a full collection inside a
    request then walks only what requests made, not Django and every app again."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TINHSO_", "DATABASE_URL"))}
    base.update({"DJANGO_SETTINGS_MODULE": "tinhso.settings", "TINHSO_VAR_DIR": str(tmp_path)})
    code = ("import gc, sys, tinhso.wsgi; "
            "print(gc.get_freeze_count(), len(gc.get_objects()), "
            "'tinhso.metrics.views' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], env=base, capture_output=True, text=True,
                         check=True).stdout.split()
    frozen, tracked, views_loaded = int(out[0]), int(out[1]), out[2]
    assert views_loaded == "True"
    assert frozen > 10 * tracked
