"""Pages of dossier lists: a capped count, and a page's rows in one statement."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from tinhso.core.api_input import Pagination

from ..models import Dossier

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: beyond that the exact total costs a scan of every
    match on each page and helps nobody (200 pages of 50). `count` then reads 10000.

    A page is one statement: its rows with their joins, chosen by id in a subquery that
    sorts and cuts the matches on the dossier table alone (joined first, PostgreSQL joins
    every match before it sorts and cuts when it misjudges their number), and the capped
    count of the matches beside them. One statement reads one state of the table: a
    dossier that leaves the list meanwhile (received by another official) is shown as it
    was, never half-read (ids from one read, rows missing from the next).
    """

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[:COUNT_CAP].count()

    def page(self, number):
        number = self._positive(number)
        qs = self.object_list
        if qs.query.is_empty():  # .none(), e.g. a queue that is not the actor's: no SQL
            if number > 1:
                raise EmptyPage(self.error_messages["no_results"])
            self.__dict__["count"] = 0
            return self._get_page([], 1, self)
        bottom = (number - 1) * self.per_page
        # The list's filters and order choose the page's ids in a subquery; the rows are
        # then read by id alone, with the list's joins, in the same statement.
        rows = Dossier.objects.filter(pk__in=qs.values("pk")[bottom:bottom + self.per_page])
        rows = rows.order_by(*qs.query.order_by)
        rows.query.select_related = qs.query.select_related
        counted = "count" in self.__dict__
        if not counted:
            # The matches' SQL is Django's, compiled from the queryset; values are params.
            sql, params = qs.order_by().values("pk")[:COUNT_CAP].query.sql_with_params()
            count = f"SELECT COUNT(*) FROM ({sql}) matches"  # noqa: S608
            rows = rows.annotate(page_matches=RawSQL(count, params))  # noqa: S611
        rows = list(rows.prefetch_related(*qs._prefetch_related_lookups))
        if not counted:
            if rows:
                self.__dict__["count"] = rows[0].page_matches
            elif number == 1:
                self.__dict__["count"] = 0
            else:
                raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, self.validate_number(number), self)

    def _positive(self, number) -> int:
        """Paginator.validate_number's checks that need no count."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class DossierPagination(Pagination):
    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
