"""EXPLAIN ANALYZE of the read scenarios' queries, for the official with most dossiers.

    .venv/bin/python bench/explain.py var/bench/fixtures.json
Uses the same selectors as the API (dossiers.selectors), so the plans are the API's.
"""

import json
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from tinhso.dossiers import selectors  # noqa: E402
from tinhso.dossiers.api.views import COUNT_CAP  # noqa: E402


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        fx = json.load(fh)
    official = max(fx["officials"], key=lambda o: o["dossiers"])
    user = get_user_model().objects.get(username=official["username"])
    scoped = selectors.listing(selectors.dossiers_for(user))
    # A list page is read as the API's paginator reads it: the ids of the page, then those
    # rows (by primary key, not shown), and a count of at most COUNT_CAP matches.
    name_match = selectors.filter_dossiers(scoped, q=official["names"][0], actor=user)
    queries = {
        "lookup by code": selectors.dossiers_for(user).filter(code=official["codes"][0]),
        "worklist overdue (page ids)": selectors.worklist(user, "overdue"),
        "worklist due_soon (page ids)": selectors.worklist(user, "due_soon"),
        "search by applicant id (page ids)": selectors.filter_dossiers(
            scoped, q=official["id_numbers"][0], actor=user),
        "search by applicant name (page ids)": name_match,
        "search by applicant name (count)": name_match.order_by()[:COUNT_CAP],
    }
    for name, qs in queries.items():
        if "(page ids)" in name:
            qs = qs.values_list("pk", flat=True)[:50]
        elif "(count)" in name:
            qs = qs.values("pk")
        plan = qs.explain(analyze=True)
        print(f"### {name}\n\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main(sys.argv[1])
