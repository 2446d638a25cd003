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


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        fx = json.load(fh)
    official = max(fx["officials"], key=lambda o: o["dossiers"])
    user = get_user_model().objects.get(username=official["username"])
    scoped = selectors.listing(selectors.dossiers_for(user))
    queries = {
        "lookup by code": selectors.dossiers_for(user).filter(code=official["codes"][0]),
        "worklist overdue": selectors.worklist(user, "overdue")[:50],
        "worklist due_soon": selectors.worklist(user, "due_soon")[:50],
        "search by applicant id": selectors.filter_dossiers(
            scoped, q=official["id_numbers"][0], actor=user)[:50],
        "search by applicant name": selectors.filter_dossiers(
            scoped, q=official["names"][0], actor=user)[:50],
        "search count (paginator)": selectors.filter_dossiers(
            scoped, q=official["names"][0], actor=user).order_by(),
    }
    for name, qs in queries.items():
        if name.startswith("search count"):
            plan = qs.values("pk").explain(analyze=True)  # the COUNT's shape
        else:
            plan = qs.explain(analyze=True)
        print(f"### {name}\n\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main(sys.argv[1])
