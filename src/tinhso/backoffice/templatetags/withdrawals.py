"""The applicant's open withdrawal request on an official's dossier page."""

from django import template

from tinhso.dossiers import withdrawals

register = template.Library()


@register.inclusion_tag("backoffice/_withdrawal_request.html", takes_context=True)
def withdrawal_request(context, dossier):
    user = context["request"].user
    found = withdrawals.open_request(dossier)
    return {"dossier": dossier, "withdrawal": found, "csrf_token": context.get("csrf_token"),
            "may_decide": found is not None and withdrawals.may_decide(user, dossier)}
