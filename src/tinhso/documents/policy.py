"""Who may do what to a document: one place, read by the services (which enforce it) and by
the pages (which offer only what is allowed).

Only officials of the agency that holds a document act on it. The roles are the platform's:
- drafting, submitting: any official of the agency;
- reviewing (thẩm định): a division head or the leader;
- approving, signing, directing incoming documents: the agency's leader;
- the clerk's work (văn thư: sealing, numbering and issuing, registering incoming documents,
  recalling): the one-stop officer, who keeps the registers in a small agency, or the leader;
- assigning incoming documents: a division head or the leader;
- completing one: its assignee or the leader.
"""

from tinhso.core.roles import Role

from .models import Document, Status

REVIEWER_ROLES = (Role.DIVISION_HEAD, Role.AGENCY_LEADER)
LEADER_ROLES = (Role.AGENCY_LEADER,)
CLERK_ROLES = (Role.ONE_STOP_OFFICER, Role.AGENCY_LEADER)
ASSIGNER_ROLES = (Role.DIVISION_HEAD, Role.AGENCY_LEADER)

# action -> (statuses it starts from, roles that may do it; None: any official of the agency)
OUTGOING = {
    "submit": ((Status.DRAFT,), None),
    "revise": ((Status.DRAFT, Status.IN_REVIEW, Status.REVIEWED, Status.APPROVED), None),
    "review": ((Status.IN_REVIEW,), REVIEWER_ROLES),
    "approve": ((Status.REVIEWED,), LEADER_ROLES),
    "send_back": ((Status.IN_REVIEW, Status.REVIEWED, Status.APPROVED), REVIEWER_ROLES),
    "sign": ((Status.APPROVED,), LEADER_ROLES),
    "seal": ((Status.SIGNED,), CLERK_ROLES),
    "issue": ((Status.SEALED,), CLERK_ROLES),
    "recall": ((Status.ISSUED,), CLERK_ROLES),
    "update_recipients": ((Status.ISSUED,), CLERK_ROLES),
}
INCOMING = {
    "register": ((Status.ARRIVED,), CLERK_ROLES),
    "direct": ((Status.REGISTERED, Status.DIRECTED), LEADER_ROLES),
    "assign": ((Status.REGISTERED, Status.DIRECTED, Status.ASSIGNED), ASSIGNER_ROLES),
    "complete": ((Status.ASSIGNED,), None),  # the assignee, or a leader (below)
    "reply": ((Status.REGISTERED, Status.DIRECTED, Status.ASSIGNED, Status.COMPLETED), None),
}


def is_member(actor, agency_id) -> bool:
    return (bool(getattr(actor, "is_authenticated", False)) and actor.is_active
            and actor.agency_id is not None and actor.agency_id == agency_id)


def table(document: Document) -> dict:
    return OUTGOING if document.is_outgoing else INCOMING


def may(actor, document: Document, action: str) -> bool:
    """Whether `actor` may do `action` to `document` in its current status."""
    rule = table(document).get(action)
    if rule is None or not is_member(actor, document.agency_id):
        return False
    statuses, roles = rule
    if document.status not in statuses:
        return False
    if action == "complete":
        return document.assignee_id == actor.pk or actor.has_role(*LEADER_ROLES)
    return roles is None or actor.has_role(*roles)


def offered(actor, document: Document) -> list[str]:
    return [action for action in table(document) if may(actor, document, action)]


def may_draft(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and actor.agency_id is not None


def may_receive(actor) -> bool:
    return may_draft(actor) and actor.has_role(*CLERK_ROLES)
