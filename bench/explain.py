"""EXPLAIN ANALYZE of the read scenarios' queries, for the official with most dossiers.

    .venv/bin/python bench/explain.py var/bench/fixtures.json
The statements are those the API runs: a lookup through the same selector, and each list
page read by the API's own paginator (captured, then explained).
"""

import json
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tinhso.dossiers import selectors  # noqa: E402
from tinhso.dossiers.api.paging import CappedPaginator, DossierPagination  # noqa: E402


def _page_statements(qs) -> list[str]:
    """What reading the first page of this list runs (its ids and count, then its rows)."""
    with CaptureQueriesContext(connection) as read:
        CappedPaginator(qs, DossierPagination.page_size).page(1)
    return [q["sql"] for q in read.captured_queries]


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        fx = json.load(fh)
    official = max(fx["officials"], key=lambda o: o["dossiers"])
    user = get_user_model().objects.get(username=official["username"])
    scoped = selectors.listing(selectors.dossiers_for(user))
    lists = {
        "worklist overdue": selectors.worklist(user, "overdue"),
        "worklist due_soon": selectors.worklist(user, "due_soon"),
        "search by applicant id": selectors.filter_dossiers(
            scoped, q=official["id_numbers"][0], actor=user),
        f"search by applicant name ({official['names'][0]})": selectors.filter_dossiers(
            scoped, q=official["names"][0], actor=user),
        f"search by name without diacritics ({official['folded_names'][0]})":
            selectors.filter_dossiers(scoped, q=official["folded_names"][0], actor=user),
    }
    lookup = selectors.dossiers_for(user).filter(code=official["codes"][0])
    print(f"### lookup by code\n\n```\n{lookup.explain(analyze=True)}\n```\n")
    with connection.cursor() as cursor:
        for name, qs in lists.items():
            for n, sql in enumerate(_page_statements(qs), 1):
                cursor.execute(f"EXPLAIN ANALYZE {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                print(f"### {name}, statement {n}\n\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main(sys.argv[1])
