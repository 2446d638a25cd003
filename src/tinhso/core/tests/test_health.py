"""/healthz: what load balancers and operators probe."""

from unittest import mock

import pytest
from django.db import OperationalError, connection, connections

from tinhso import __version__


@pytest.mark.django_db
def test_healthz_reports_ok_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["database_vendor"] == connection.vendor
    assert body["version"] == __version__
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_head_and_refuses_post(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(client, caplog):
    # The outside system failing: every new cursor raises as a dead server would.
    wrapper = type(connections["default"])
    with mock.patch.object(wrapper, "cursor", side_effect=OperationalError("server closed")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "error: OperationalError"
    assert "server closed" not in response.content.decode()  # no driver detail leaks out
    assert "database unreachable" in caplog.text
