"""A fragment search: its newest matches, whether they are few (read and sorted) or many
(the agency's dossiers walked newest first), over the official's whole scope."""

import pytest
from django.db import connection

from tinhso.dossiers import search, selectors
from tinhso.dossiers.models import Dossier

from .conftest import at, citizen_applicant, submit_online

NAMES = ["Nguyễn Văn An", "Nguyễn Văn Anh", "Lê Thị Hà", "Nguyễn Thị Hoa", "Trần Văn An"]


@pytest.fixture
def filed(province):
    """One dossier a day from 1 March, one name each; the second is sent to the other
    agency (still in the scope of the agency that received it)."""
    rows = [submit_online(province, applicant=citizen_applicant(f"0010900000{i:02d}", name),
                          at_=at(2026, 3, 1 + i, 9))
            for i, name in enumerate(NAMES)]
    Dossier.objects.filter(pk=rows[1].pk).update(current_agency=province.other_agency)
    return rows


def found(actor, q):
    qs = selectors.listing(selectors.dossiers_for(actor))
    return [d.applicant_name for d in selectors.filter_dossiers(qs, q=q, actor=actor)]


@pytest.fixture(params=[100, 1], ids=["read and sorted", "walked newest first"])
def strategy(request, monkeypatch):
    monkeypatch.setattr(search, "SORTED", request.param)


def test_the_newest_matches_over_the_officials_whole_scope(province, filed, strategy):
    assert found(province.officer, "nguyen van an") == ["Nguyễn Văn Anh", "Nguyễn Văn An"]
    assert found(province.officer, "van an") == [
        "Trần Văn An", "Nguyễn Văn Anh", "Nguyễn Văn An"]
    assert found(province.officer, "nguyen van anh x") == []
    # The other agency handles the transferred dossier: it is in its scope too, and only it.
    assert found(province.other_officer, "nguyen") == ["Nguyễn Văn Anh"]
    # A province-wide role reaches every agency's part of the index.
    assert found(province.supervisor, "van an") == [
        "Trần Văn An", "Nguyễn Văn Anh", "Nguyễn Văn An"]


def test_at_most_the_newest_shown(province, filed, monkeypatch, strategy):
    monkeypatch.setattr(search, "SHOWN", 2)
    assert found(province.officer, "nguyen") == ["Nguyễn Thị Hoa", "Nguyễn Văn Anh"]
    assert found(province.officer, "van") == ["Trần Văn An", "Nguyễn Văn Anh"]


def test_a_whole_code_or_id_is_found_beside_the_fragments_matches(province, filed):
    code = filed[2].code
    assert found(province.officer, code.lower()) == ["Lê Thị Hà"]
    assert found(province.officer, "nguyen thi") == ["Nguyễn Thị Hoa"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the keys index is PostgreSQL's")
def test_the_fragments_keys_are_those_the_index_holds(province, filed):
    """The condition the search writes is the index's own expression: were they to differ,
    PostgreSQL would compute every dossier's keys (at 5,000,000 rows, minutes)."""
    matches = (Dossier.objects.alias(search_keys=search.ROW_KEYS)
               .filter(search._any_agency_holds(province.officer, "nguyen van")))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: as at 5,000,000
        sql, params = matches.values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on dossier_search_keys_idx" in plan, plan
    assert "Filter" not in plan, plan
    assert {d.pk for d in matches} == {filed[0].pk, filed[1].pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL partial index")
def test_the_transferred_half_is_walked_newest_first_along_its_index(province, filed):
    """Not read whole and sorted: a desk that forwards most of what it receives holds tens
    of thousands of them."""
    found = Dossier.objects.filter(search_text__contains="nguyen")
    walk = search._transferred(found, province.agency.pk).order_by(*search.NEWEST)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: as at scale
        cursor.execute("SET LOCAL enable_sort = off")  # as the walk plans it
        sql, params = walk.values("pk")[:search.SHOWN].query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using dossier_transferred_newest_idx" in plan, plan
    assert "Sort" not in plan, plan
    assert [d.pk for d in walk] == [filed[1].pk]


def test_an_applicant_searches_their_own_dossiers_only(province, filed):
    own = submit_online(province, at_=at(2026, 3, 9, 9))  # the citizen's, "Trần Văn Dân"
    assert found(province.citizen, "van dan") == ["Trần Văn Dân"]
    assert found(province.citizen, "van an") == []  # others' dossiers, though they match
    assert found(province.citizen, own.code[-8:]) == ["Trần Văn Dân"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the keys index is PostgreSQL's")
@pytest.mark.parametrize("fragment", ["nguyen van an", "h44.07-26", "an ", "h | le"])
def test_a_fragments_keys_are_within_the_keys_of_a_text_holding_it(db, fragment):
    text = "h44.07-261204-0001 nguyen van anh | le thi ha"
    assert fragment in text

    def keys(received, handling, body):
        with connection.cursor() as cursor:
            cursor.execute("SELECT dossier_search_keys(%s, %s, %s)", [received, handling, body])
            return set(cursor.fetchone()[0])

    mine = keys(7, 7, fragment)
    assert mine and mine <= keys(7, 7, text) and mine <= keys(9, 7, text)
    assert not mine & keys(9, 9, text)  # another agency's keys never match
    assert {key >> 32 for key in keys(9, 7, text)} == {7, 9}


def test_the_api_answers_a_fragment_nothing_matches_with_an_empty_page(province, filed):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(province.officer)
    body = client.get("/api/v1/dossiers/", {"q": "khong ai ten nay"}).json()
    assert body["count"] == 0 and body["results"] == []
    body = client.get("/api/v1/dossiers/", {"q": "nguyen van an"}).json()
    assert [row["applicant_name"] for row in body["results"]] == [
        "Nguyễn Văn Anh", "Nguyễn Văn An"]
