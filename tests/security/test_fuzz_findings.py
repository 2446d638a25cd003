"""What the schema fuzzer (test_api_fuzz.py) found, replayed as plain requests.

The fuzzer draws its input at random; these hold each finding closed whatever it draws.
"""

import pytest
from rest_framework.test import APIClient

from tinhso.dossiers.models import Dossier, Status


@pytest.fixture
def officer_api(province):
    client = APIClient()
    client.force_authenticate(province.officer)
    return client


@pytest.mark.parametrize("action", ["request-payment", "record-payment"])
@pytest.mark.parametrize("amount", [10**19, 10**12 + 1])
def test_an_absurd_amount_is_a_400_and_changes_nothing(officer_api, make_dossier, action,
                                                       amount):
    """An amount past 64 bits answered 500 on PostgreSQL (the sum could not be stored)."""
    dossier = make_dossier(Status.PROCESSING)
    body = {"amount": amount, "method": 1}
    response = officer_api.post(f"/api/v1/dossiers/{dossier.code}/{action}/", body,
                                format="json")
    assert response.status_code == 400, response.content
    assert "1.000 tỷ đồng" in str(response.json())
    stored = Dossier.objects.get(pk=dossier.pk)
    assert (stored.fees_owed, stored.fees_paid, stored.lock_version) == (
        dossier.fees_owed, dossier.fees_paid, dossier.lock_version)


def test_the_service_refuses_an_absurd_amount_from_any_door(province, make_dossier):
    from tinhso.core.errors import DomainError
    from tinhso.dossiers import lifecycle

    dossier = make_dossier(Status.PROCESSING)
    with pytest.raises(DomainError) as refused:
        lifecycle.request_payment(province.specialist, dossier, amount=10**13)  # step holder
    assert refused.value.code == "invalid_amount"


@pytest.mark.parametrize("path", ["/api/v1/procedures/%C2%A7(R/", "/api/v1/no-such-thing/"])
def test_a_path_no_route_matches_is_a_json_404_on_the_api(db, path):
    """Django's own 404 page (HTML) answered where the schema promises JSON."""
    response = APIClient().get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_a_path_no_route_matches_is_a_page_outside_the_api(db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_schema_declares_what_the_api_answers(db):
    schema = APIClient().get("/api/schema/?format=json").json()
    security = schema["components"]["securitySchemes"]
    assert "basicAuth" not in security and "bearerAuth" in security
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post"}:
                continue
            statuses = set(operation["responses"])
            assert {"401", "403"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            if method == "post":
                assert {"400", "413", "415"} <= statuses, (method, path)
    metrics = schema["paths"]["/api/v1/metrics/"]["get"]["responses"]["200"]
    assert metrics["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Index"}  # one object, not a list
    unit = schema["components"]["schemas"]["Unit"]["properties"]
    assert unit["parent"].get("nullable") and unit["successor"].get("nullable")


@pytest.mark.parametrize("form", [True, False])
def test_a_nul_character_in_the_body_is_a_400(province, form):
    """A NUL in a code answered 500 on PostgreSQL (it cannot compare text holding one)."""
    client = APIClient()
    client.force_authenticate(province.officer)
    body = {"procedure": "1.001\x00234", "agency": "H44.07"}
    response = (client.post("/api/v1/dossiers/intake/", body) if form
                else client.post("/api/v1/dossiers/intake/", body, format="json"))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("address", ["/api/v1/metrics/?agency=H44%00.07",
                                     "/api/v1/dossiers/?q=a%00b",
                                     "/api/v1/dossiers/H44%0007/"])
def test_a_nul_character_in_the_address_is_a_400(province, address):
    """The fuzzer's `?agency=…%00…` answered 500 on PostgreSQL: parameters never reach a
    parser, so the address is checked before any view."""
    client = APIClient()
    client.force_authenticate(province.officer)
    response = client.get(address)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"
    assert "NUL" in response.json()["message"]


def test_a_nul_character_in_a_page_address_is_a_page_in_vietnamese(client, db):
    response = client.get("/procedures/?q=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def _model_serializers(cls):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("tinhso."):
            yield sub
        yield from _model_serializers(sub)


def test_a_relation_the_model_may_leave_empty_is_nullable_in_the_schema(db):
    """A document's empty assignee answered null where the schema promised a string."""
    from django.urls import get_resolver
    from rest_framework import serializers

    assert get_resolver().url_patterns  # imports every API module, and so every serializer
    undeclared = []
    for serializer in set(_model_serializers(serializers.ModelSerializer)):
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is None:  # an abstract base
            continue
        for name, field in serializer().fields.items():
            if not isinstance(field, serializers.RelatedField) or "." in (field.source or ""):
                continue
            try:
                column = model._meta.get_field(field.source or name)
            except Exception:  # a property or an annotation, not a column
                continue
            if column.null and not field.allow_null:
                undeclared.append(f"{serializer.__qualname__}.{name}")
    assert not undeclared
