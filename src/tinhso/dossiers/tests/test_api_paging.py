"""Pages of the dossier list read their rows once: a dossier that leaves the list while a
page is being read (received by another official) cannot break the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhso.dossiers.models import Dossier, Status

from .test_api_access import URL, client_for


class ReceivedMidPage:
    """Right after the first statement that reads dossier rows, before the next statement
    of the request, another official receives `dossier`: it no longer matches status=1."""

    def __init__(self, dossier):
        self.dossier, self.read, self.changed = dossier, False, False

    def __call__(self, execute, sql, params, many, context):
        if self.read and not self.changed:
            self.changed = True
            Dossier.objects.filter(pk=self.dossier.pk).update(status=Status.RECEIVED)
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT") and '"dossiers_dossier"' in sql:
            self.read = True
        return result


@pytest.mark.parametrize("cap", [10_000, 1], ids=["counted", "past the cap"])
def test_dossier_leaving_the_list_between_reads_keeps_the_page(
        province, make_dossier, monkeypatch, cap):
    from tinhso.dossiers.api import paging

    monkeypatch.setattr(paging, "COUNT_CAP", cap)
    older, newer = make_dossier(), make_dossier()
    client = client_for(province.officer)
    client.get(URL)  # the user's roles are read once and cached
    race = ReceivedMidPage(older)
    with connection.execute_wrapper(race):
        response = client.get(URL, {"status": Status.SUBMITTED})
    assert race.changed  # the dossier did change while the request ran
    assert response.status_code == 200, response.content
    body = response.json()
    # The page is the one read: both dossiers as they were, newest first, counted.
    assert [row["code"] for row in body["results"]] == [newer.code, older.code]
    assert {row["status"] for row in body["results"]} == {Status.SUBMITTED}
    assert body["count"] == (2 if cap > 2 else 1)
    assert client.get(URL, {"status": Status.SUBMITTED}).json()["count"] == 1


def test_a_page_is_one_statement(province, make_dossier):
    for _ in range(3):
        make_dossier()
    client = client_for(province.officer)
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 1 and body["previous"]
    reads = [q["sql"] for q in ctx.captured_queries if '"dossiers_dossier"' in q["sql"]]
    assert len(reads) == 1, reads  # its rows, their agencies and procedure, and the count


def test_page_past_the_last_is_404_and_an_empty_list_page_one(province, make_dossier):
    make_dossier()
    client = client_for(province.officer)
    assert client.get(URL, {"page": 2}).status_code == 404
    body = client.get(URL, {"status": Status.FINISHED}).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
