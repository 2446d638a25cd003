"""Free text a person types has a length limit, checked by the service that stores it (the
API serializers and page forms declare the same limit so that the schema and the browser
show it). One helper, so that every service says it the same way."""

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


def bounded(text: str, limit: int, what) -> str:
    """`text` itself, or a ValidationFailed naming `what` when it is longer than `limit`."""
    if len(text) > limit:
        raise ValidationFailed(
            _("%(what)s quá dài: %(length)s ký tự, tối đa %(limit)s ký tự.")
            % {"what": what, "length": f"{len(text):,}".replace(",", "."),
               "limit": f"{limit:,}".replace(",", ".")},
            code="text_too_long", details={"max_length": limit})
    return text
