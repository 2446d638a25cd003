"""Object-level access in one place: officials see their own agency unless province-wide.

A request for another agency's object answers 404 (NotFound), never 403, so that codes of
other agencies' objects cannot be probed.
"""

from django.db.models import QuerySet

from .errors import NotFound


def visible_agency_ids(user) -> set[int] | None:
    """None means every agency; an empty set means none."""
    if not user.is_authenticated:
        return set()
    if user.is_province_wide:
        return None
    return {user.agency_id} if user.agency_id else set()


def scope_to_agency(qs: QuerySet, user, field: str = "agency") -> QuerySet:
    ids = visible_agency_ids(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{field}__in": ids})


def get_visible(qs: QuerySet, user, field: str = "agency", **lookup):
    try:
        return scope_to_agency(qs, user, field).get(**lookup)
    except qs.model.DoesNotExist:
        raise NotFound() from None
