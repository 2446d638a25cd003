from django.shortcuts import render
from django.utils import timezone

from tinhso.dossiers.policy import may_intake
from tinhso.dossiers.selectors import CLOCK_RUNNING

__all__ = ["may_intake", "render_page"]


def render_page(request, template, context, status=200):
    """Render a back-office page with what its navigation and lists need."""
    base = {"may_intake": may_intake(request.user), "open_statuses": CLOCK_RUNNING,
            "now": timezone.now()}
    return render(request, template, {**base, **context}, status=status)
