from django.shortcuts import render
from django.utils import timezone

from tinhso.dossiers.policy import STAFF_ROLES
from tinhso.dossiers.selectors import CLOCK_RUNNING
from tinhso.dossiers.transitions import Action


def may_intake(user) -> bool:
    """One-stop officers of an agency take walk-in dossiers (the same rule as policy)."""
    return bool(user.agency_id) and user.has_role(*STAFF_ROLES[Action.SUBMIT])


def render_page(request, template, context, status=200):
    """Render a back-office page with what its navigation and lists need."""
    base = {"may_intake": may_intake(request.user), "open_statuses": CLOCK_RUNNING,
            "now": timezone.now()}
    return render(request, template, {**base, **context}, status=status)
