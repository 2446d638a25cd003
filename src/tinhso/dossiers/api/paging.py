"""Pages of dossier lists: a capped count, and the page's ids read before its rows."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from tinhso.core.api_input import Pagination

from ..models import Dossier

COUNT_CAP = 10_000
# Columns a list may be ordered by that the one-read page can sort on (the table's own).
LOCAL_COLUMNS = frozenset(f.column for f in Dossier._meta.concrete_fields)


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: beyond that the exact total costs a scan of every
    match on each page and helps nobody (200 pages of 50). `count` then reads 10000.

    A page is read in two steps: the ids of its rows in order, on the dossier table alone,
    then those rows with their joins. In one step PostgreSQL joins every match before it
    sorts and cuts (thousands of rows for a common name) when it misjudges their number.
    When the matches are fewer than the cap, the first step also counts them: one read of
    the matches instead of two (a common name matches thousands of rows of an agency).
    """

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[:COUNT_CAP].count()

    def page(self, number):
        if "count" not in self.__dict__ and str(number).isdigit() and int(number) >= 1:
            found = self._ids_and_count(int(number))
            if found is not None:
                ids, self.__dict__["count"] = found
                number = self.validate_number(number)
                return self._get_page(ids, number, self)
        return super().page(number)

    def _ids_and_count(self, number: int) -> tuple[list[int], int] | None:
        """The page's ids and the number of matches, in one statement over at most
        COUNT_CAP matches; None when that cannot tell (the cap is reached, an ordering
        other than the table's own columns, a page past the last)."""
        qs = self.object_list
        connection = connections[qs.db]
        columns = []
        for name in qs.query.order_by:
            field = name.lstrip("-") if isinstance(name, str) else None
            field = "id" if field == "pk" else field
            if field not in LOCAL_COLUMNS:
                return None
            columns.append((field, "DESC" if name.startswith("-") else "ASC"))
        if not columns:
            return None
        inner = qs.order_by().values_list(*dict.fromkeys(["id", *(c for c, _ in columns)]))
        sql, params = inner[:COUNT_CAP].query.sql_with_params()
        order = ", ".join(f"{connection.ops.quote_name(c)} {way}" for c, way in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, COUNT(*) OVER () FROM ({sql}) matches "  # noqa: S608
                           f"ORDER BY {order} LIMIT %s OFFSET %s",
                           (*params, self.per_page, (number - 1) * self.per_page))
            rows = cursor.fetchall()
        if not rows:
            return ([], 0) if number == 1 else None
        if rows[0][1] >= COUNT_CAP:
            return None  # more matches than were read: these rows need not be the first
        return [pk for pk, _ in rows], rows[0][1]

    def _get_page(self, object_list, number, paginator):
        ids = object_list if isinstance(object_list, list) else list(
            object_list.values_list("pk", flat=True))
        rows = self.object_list.order_by().in_bulk(ids)
        return super()._get_page([rows[pk] for pk in ids], number, paginator)


class DossierPagination(Pagination):
    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
