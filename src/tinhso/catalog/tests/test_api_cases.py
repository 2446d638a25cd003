"""The catalogue API shows a procedure's cases, each with its papers, times and fees per
channel; rows of every case appear under each case and in the version-level lists."""

import pytest
from rest_framework.test import APIClient

from tinhso.dossiers.tests.conftest import province  # noqa: F401
from tinhso.portal.tests.residence import (
    DESK_FEE,
    ONLINE_FEE,
    OWN_HOME,
    WITH_FAMILY,
    residence_procedure,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def residence(province):  # noqa: F811
    return residence_procedure([province.agency])


def test_the_detail_lists_cases_with_their_own_components_times_and_fees(residence):
    body = APIClient().get(f"/api/v1/procedures/{residence.procedure.code}/").json()
    version = body["current_version"]
    own, family = version["cases"]
    assert (own["id"], own["name"], family["name"]) == (residence.own_home.pk, OWN_HOME,
                                                        WITH_FAMILY)
    assert [c["id"] for c in own["components"]] == [residence.declaration.pk,
                                                    residence.ownership.pk]
    assert [c["id"] for c in family["components"]] == [
        residence.declaration.pk, residence.kinship.pk, residence.consent.pk]
    assert family["components"][1]["case"] == residence.with_family.pk
    assert own["components"][0]["case"] is None
    assert own["components"][0]["template_name"] == "Mẫu CT01"
    for case in (own, family):
        assert [(t["channel"], t["processing_time"], t["time_unit"], t["note"])
                for t in case["times"]] == [("", "7.0", "working_days",
                                             "Kể từ ngày nhận đủ hồ sơ")]
        assert [(f["channel"], f["amount"], f["kind"], f["basis"], f["currency"], f["group"],
                 f["valid_from"], f["unit"], f["rate"]) for f in case["fees"]] == [
            ("online", ONLINE_FEE, "charge", "fixed", "VND", 0, None, "", None),
            ("desk", DESK_FEE, "charge", "fixed", "VND", 0, None, "", None)]
    # The version-level lists stay, holding every row.
    assert len(version["components"]) == 4 and len(version["fees"]) == 2
    assert len(version["times"]) == 1
    assert version["implementing_body"] == "Công an cấp xã"
    assert version["subjects"] == "Công dân Việt Nam"
    # The same body through the version endpoint.
    again = APIClient().get(f"/api/v1/procedure-versions/{version['id']}/").json()
    assert again["cases"] == version["cases"]


def test_search_through_the_api_finds_a_case_name(residence):
    body = APIClient().get("/api/v1/procedures/", {"search": "ve o voi vo chong"}).json()
    assert [p["code"] for p in body["results"]] == [residence.procedure.code]


def test_the_schema_describes_cases(residence):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    parts = schema["components"]["schemas"]
    assert {"id", "name", "components", "times", "fees"} <= set(parts["Case"]["properties"])
    version = parts["ProcedureVersion"]["properties"]
    assert version["cases"]["type"] == "array"
    assert version["cases"]["items"]["$ref"].endswith("/Case")
