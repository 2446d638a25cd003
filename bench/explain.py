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
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tinhso.dossiers import selectors  # noqa: E402
from tinhso.dossiers.api.paging import CappedPaginator, DossierPagination  # noqa: E402


def _page_statements(make_list) -> list[str]:
    """What reading the first page of this list runs: a search's own reads of its matches,
    then the page's ids and count, then its rows."""
    with CaptureQueriesContext(connection) as read:
        CappedPaginator(make_list(), DossierPagination.page_size).page(1)
    return [q["sql"] for q in read.captured_queries]


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        fx = json.load(fh)
    official = max(fx["officials"], key=lambda o: o["dossiers"])
    user = get_user_model().objects.get(username=official["username"])
    scoped = selectors.listing(selectors.dossiers_for(user))
    def search(q):
        return f"search {q!r}", lambda: selectors.filter_dossiers(scoped, q=q, actor=user)

    lists = dict([
        ("worklist overdue", lambda: selectors.worklist(user, "overdue")),
        ("worklist due_soon", lambda: selectors.worklist(user, "due_soon")),
        search(official["id_numbers"][0]), search(official["names"][0]),
        search(official["folded_names"][0]),
        *(search(q) for q in official.get("fragments", [])[:2]),
    ])
    lookup = selectors.dossiers_for(user).filter(code=official["codes"][0])
    print(f"### lookup by code\n\n```\n{lookup.explain(analyze=True)}\n```\n")
    with transaction.atomic(), connection.cursor() as cursor:
        for name, make_list in lists.items():
            for n, sql in enumerate(_page_statements(make_list), 1):
                if sql.startswith(("SET", "RESET", "SAVEPOINT", "RELEASE")):
                    cursor.execute(sql)  # the planner's settings the search read under
                    continue
                cursor.execute(f"EXPLAIN ANALYZE {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                print(f"### {name}, statement {n}\n\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main(sys.argv[1])
