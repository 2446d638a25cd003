"""The lifecycle services: the only functions that change a dossier's status and clock.

Each service locks the dossier row, checks the actor (policy) and the version the caller
saw (`expected_version` against `lock_version`), moves the dossier with transitions.apply,
saves the changed fields, appends one DossierEvent, writes the side rows of the action and
announces the change with `signals.dossier_changed` once the transaction commits.

Whether the actor may act is dossiers.guard's answer, the one the pages and the API offer
from. A move that opens a step or brings it to another agency gives the step its assignee in
the same transaction (dossiers.assignment); `reassign` and `take_over` change who holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.catalog import forms_schema
from tinhso.core import audit
from tinhso.core.calendar import get_calendar
from tinhso.core.errors import Conflict, NotFound, ValidationFailed
from tinhso.core.limits import bounded
from tinhso.core.models import Agency, User

from . import (
    assignment,
    codes,
    details,
    guard,
    policy,
    population,
    result_signing,
    signals,
    texts,
    transitions,
)
from .identifiers import validate_applicant
from .inputs import (
    ApplicantInput,
    ComponentInput,
    ResultInput,
    check_components,
    filing_terms,
    submittable_version,
)
from .models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierComponent,
    DossierEvent,
    Payment,
    Result,
    Status,
    SupplementRequest,
    SyncState,
    search_text,
    with_form_texts,
)
from .transitions import Action

_FIELDS = [(f.name, f.attname) for f in Dossier._meta.concrete_fields if not f.primary_key]
Hook = Callable[[Dossier, transitions.Change], None]


# --- submission -----------------------------------------------------------------------


def submit(actor, *, procedure, agency, applicant: ApplicantInput, channel, case=None,
           components: Iterable[ComponentInput] = (), is_full_online=False,
           idempotency_key=None, population_lookup: int | None = None,
           vneid_verified=False, at=None) -> Dossier:
    """File a dossier (status 1). A repeated `idempotency_key` returns the first dossier.
    `population_lookup`: the filer's look-up of the applicant in the national population
    database (dossiers.population), which the dossier then records it used.

    The dossier comes back with its papers and its one event loaded (see `details.keep`).
    """
    at = at or timezone.now()
    try:
        with transaction.atomic():
            return _create(actor, procedure=procedure, agency=agency, applicant=applicant,
                           channel=channel, case=case, components=list(components),
                           is_full_online=is_full_online,
                           idempotency_key=idempotency_key or None,
                           population_lookup=population_lookup,
                           vneid_verified=vneid_verified, at=at)
    except _KeyTaken as taken:
        return _replay(taken, actor)


def intake(actor, *, procedure, agency, applicant: ApplicantInput, case=None,
           components: Iterable[ComponentInput] = (), idempotency_key=None,
           population_lookup: int | None = None, at=None) -> Dossier:
    """The desk's submit and receive in one transaction (channel DESK).

    A repeated `idempotency_key` (the desk form's one-time token) returns the first dossier.
    """
    at = at or timezone.now()
    try:
        with transaction.atomic():
            dossier = _create(actor, procedure=procedure, agency=agency, applicant=applicant,
                              channel=Channel.DESK, case=case, components=list(components),
                              is_full_online=False, idempotency_key=idempotency_key or None,
                              population_lookup=population_lookup, vneid_verified=False,
                              at=at)
            return receive(actor, dossier, at=at)
    except _KeyTaken as taken:
        dossier = _replay(taken, actor)
    if dossier.status != Status.SUBMITTED:  # a replay: already received
        return dossier
    return receive(actor, dossier, at=at)


class _KeyTaken(Exception):
    """The idempotency key is another dossier's: leave the transaction, then replay."""

    def __init__(self, key, fingerprint):
        super().__init__(key)
        self.key, self.fingerprint = key, fingerprint


def _create(actor, *, procedure, agency, applicant, channel, case, components,
            is_full_online, idempotency_key, population_lookup, vneid_verified,
            at) -> Dossier:
    agency = _agency(agency)
    if channel not in Channel.values:
        raise ValidationFailed(_("Kênh nộp hồ sơ không hợp lệ."), code="invalid_channel")
    policy.ensure_may_submit(actor, agency.pk, channel)
    applicant = policy.filing_applicant(actor, applicant)
    id_number = validate_applicant(applicant.kind, applicant.name, applicant.id_number)
    version = submittable_version(procedure, agency, channel, is_full_online)
    filing = filing_terms(version, case, channel, at)
    catalogue = check_components(version, components, channel, owner=id_number,
                                 case_id=filing.case_id)
    names = [c.name.strip() or catalogue[c.component_id].name for c in components]
    _check_scans(components, names)
    lookup = population.usable(actor, population_lookup, id_number, at) \
        if population_lookup else None
    fingerprint = (version.procedure_id, agency.pk, applicant.kind, id_number, int(channel),
                   filing.case_id, sorted(names))
    code = codes.next_code(agency, at)
    dossier = Dossier(
        code=code, procedure=version.procedure,
        procedure_version=version, case_id=filing.case_id,
        processing_time=filing.processing_time, time_unit=filing.time_unit,
        agency=agency, current_agency=agency,
        applicant_kind=applicant.kind, applicant_name=applicant.name.strip(),
        search_text=search_text(code, applicant.name.strip(),
                                _form_texts(catalogue, components)),
        applicant_id_number=id_number, applicant_phone=applicant.phone,
        applicant_email=applicant.email, applicant_address=applicant.address,
        applicant_user=(actor if policy.is_applicant(actor)
                        else _linked_user(applicant.kind, id_number)),
        channel=channel, is_full_online=is_full_online,
        idempotency_key=idempotency_key, submitted_at=at,
        used_population_db=lookup is not None, vneid_verified=vneid_verified,
        fees_owed=filing.fees.amount,
    )
    _mark_papers(dossier, components)
    # No look-up of the key first: the unique key decides, also between concurrent
    # requests (the loser's insert waits for the winner's commit). The caller's transaction
    # then rolls back, giving the code number back.
    try:
        dossier.save()
    except IntegrityError as exc:
        if idempotency_key:
            raise _KeyTaken(idempotency_key, fingerprint) from exc
        raise
    if lookup is not None:
        population.attach(lookup, dossier)
    papers = _add_components(dossier, components, names, at, is_supplement=False)
    change = transitions.Change(Action.SUBMIT, at, None, dossier.status, agency.pk)
    event = _record(actor, dossier, change, note="", step_id=None)
    event.agency = agency  # the body shows the event's agency: no lazy read
    if all(p.pk is not None for p in papers):  # else a database without bulk ids
        # Shown without a re-read: its papers, its one event, nothing else yet.
        details.keep(dossier, components=papers, events=[event])
    return dossier


def _replay(taken: _KeyTaken, actor) -> Dossier:
    """The same request again returns its dossier; anything else under the key is refused."""
    existing = Dossier.objects.filter(idempotency_key=taken.key).first()
    if existing is None:  # the unique key that failed was not the idempotency key
        raise taken.__cause__
    submitter = existing.events.filter(action=Action.SUBMIT).values_list(
        "actor_id", flat=True).first()
    names = sorted(existing.components.filter(is_supplement=False).values_list("name",
                                                                              flat=True))
    stored = (existing.procedure_id, existing.agency_id, existing.applicant_kind,
              existing.applicant_id_number, existing.channel, existing.case_id, names)
    if submitter != getattr(actor, "pk", None) or stored != taken.fingerprint:
        raise Conflict(_("Mã yêu cầu (idempotency key) đã được dùng cho một hồ sơ khác."),
                       code="idempotency_conflict")
    return existing


def _agency(agency) -> Agency:
    if isinstance(agency, Agency) and agency.is_active:  # loaded by the caller's form
        return agency
    found = Agency.objects.filter(pk=_pk(agency), is_active=True).first()
    if found is None:
        raise NotFound(_("Không tìm thấy cơ quan."))
    return found


def _check_scans(components, names) -> None:
    """A paper marked digitised comes with its scan (service index 5.1 counts it), unless
    it is reused from the e-data store: the store holds its file."""
    missing = [name for c, name in zip(components, names, strict=True)
               if c.is_digitized and not c.reused_from and not c.file]
    if missing:
        raise ValidationFailed(_("Giấy tờ số hóa cần có bản quét."), code="missing_scan",
                               details=missing)


def _form_texts(catalogue, components) -> list[str]:
    """The searchable texts of the e-forms given (clean values, checked by check_components),
    for the official's search: computed once here, never read from the JSON at query time."""
    return [text for c in components
            if c.form_data is not None and c.component_id in catalogue
            for text in forms_schema.searchable(catalogue[c.component_id].form, c.form_data)]


def _mark_papers(dossier: Dossier, components) -> None:
    # A paper reused from the e-data store is a digitised paper too.
    if any(c.is_digitized or c.reused_from for c in components):
        dossier.has_digitized_components = True
    if any(c.reused_from for c in components):
        dossier.reused_papers = True


def _add_components(dossier, components, names, at, *, is_supplement) -> list:
    return DossierComponent.objects.bulk_create([
        DossierComponent(dossier=dossier, component_id=c.component_id, name=name,
                         file=c.file or "", is_digitized=c.is_digitized,
                         reused_from=c.reused_from, is_supplement=is_supplement, added_at=at,
                         form_data=c.form_data)
        for c, name in zip(components, names, strict=True)
    ])


def _linked_user(kind, id_number) -> User | None:
    """A desk dossier of a citizen with an account shows up in that citizen's portal."""
    if kind != ApplicantKind.CITIZEN:
        return None
    return User.objects.filter(personal_id=id_number).first()


# --- actions on a filed dossier ---------------------------------------------------------


def receive(actor, dossier, *, expected_version=None, note="", at=None) -> Dossier:
    return _act(actor, dossier, Action.RECEIVE, expected_version, at, note)


def refuse(actor, dossier, *, reason, expected_version=None, at=None) -> Dossier:
    return _act(actor, dossier, Action.REFUSE, expected_version, at, _required(reason))


def start(actor, dossier, *, note="", assignee=None, expected_version=None,
          at=None) -> Dossier:
    """To the process's first step; `assignee` (else the default) holds it."""
    return _act(actor, dossier, Action.START, expected_version, at, note, assignee=assignee)


def forward(actor, dossier, *, note="", assignee=None, expected_version=None,
            at=None) -> Dossier:
    """To the next step; `assignee` (else the default) holds it."""
    return _act(actor, dossier, Action.FORWARD, expected_version, at, note, assignee=assignee)


def transfer(actor, dossier, *, to_agency, note="", expected_version=None, at=None) -> Dossier:
    target = Agency.objects.filter(pk=_pk(to_agency), is_active=True).first()
    if target is None:
        raise ValidationFailed(_("Cơ quan liên thông không hợp lệ."), code="invalid_transfer")
    return _act(actor, dossier, Action.TRANSFER, expected_version, at, note,
                to_agency_id=target.pk)


def transfer_back(actor, dossier, *, note="", expected_version=None, at=None) -> Dossier:
    return _act(actor, dossier, Action.TRANSFER_BACK, expected_version, at, note)


def request_supplement(actor, dossier, *, reasons, expected_version=None, at=None) -> Dossier:
    reasons = _required(reasons)

    def open_request(d, change):
        SupplementRequest.objects.create(dossier=d, requested_at=change.at, reasons=reasons)

    return _act(actor, dossier, Action.REQUEST_SUPPLEMENT, expected_version, at, reasons,
                after=open_request)


def supplement(actor, dossier, *, components, expected_version=None, at=None) -> Dossier:
    components = list(components)
    if not components:
        raise ValidationFailed(_("Cần nộp ít nhất một giấy tờ bổ sung."),
                               code="missing_components")

    names: list[str] = []

    def papers(d, change):
        catalogue = check_components(d.procedure_version, components, d.channel,
                                      owner=d.applicant_id_number, case_id=d.case_id,
                                      require=False)
        names.extend(c.name.strip() or catalogue[c.component_id].name for c in components)
        _check_scans(components, names)
        _mark_papers(d, components)
        d.search_text = with_form_texts(d.search_text, _form_texts(catalogue, components))

    def resolve(d, change):
        SupplementRequest.objects.filter(dossier=d, resolved_at__isnull=True).update(
            resolved_at=change.at, paused_seconds=change.data.get("paused_seconds", 0))
        _add_components(d, components, names, change.at, is_supplement=True)

    return _act(actor, dossier, Action.SUPPLEMENT, expected_version, at, "",
                before=papers, after=resolve)


def request_payment(actor, dossier, *, amount, note="", expected_version=None,
                    at=None) -> Dossier:
    return _act(actor, dossier, Action.REQUEST_PAYMENT, expected_version, at, note,
                amount=amount)


def record_payment(actor, dossier, *, amount, method, reference="", expected_version=None,
                   at=None) -> Dossier:
    if method not in Payment.Method.values:
        raise ValidationFailed(_("Hình thức thanh toán không hợp lệ."), code="invalid_method")
    reference = bounded((reference or "").strip(), texts.PAYMENT_REFERENCE_MAX,
                        _("Mã giao dịch"))

    def replayed():
        return Conflict(_("Mã giao dịch thanh toán này đã được ghi nhận."),
                        code="payment_replayed")

    def pay(d, change):
        # A payment kept for a refund may share the reference (dossiers.payments).
        if reference and Payment.objects.filter(method=method, reference=reference,
                                                refund="").exists():
            raise replayed()
        try:
            with transaction.atomic():
                Payment.objects.create(dossier=d, amount=amount, method=method,
                                       reference=reference, paid_at=change.at)
        except IntegrityError:  # the same reference recorded by a concurrent request
            raise replayed() from None
        change.data.update(method=int(method), reference=reference)

    return _act(actor, dossier, Action.RECORD_PAYMENT, expected_version, at, "",
                after=pay, amount=amount, online=method != Payment.Method.DESK)


def finish(actor, dossier, *, results: Iterable[ResultInput], note="", expected_version=None,
           at=None) -> Dossier:
    results = list(results)
    if not results or any(not r.name.strip() for r in results):
        raise ValidationFailed(_("Cần nhập kết quả giải quyết."), code="missing_results")
    for r in results:
        bounded(r.name.strip(), texts.RESULT_NAME_MAX, _("Tên kết quả"))
        bounded(r.number or "", texts.RESULT_NUMBER_MAX, _("Số, ký hiệu của kết quả"))
    unfiled = [r.name.strip() for r in results if r.is_electronic and not r.file]
    if unfiled:  # service index 5.2 counts electronic results: each is its signed file
        raise ValidationFailed(_("Kết quả điện tử cần có tệp kết quả."),
                               code="missing_result_file", details=unfiled)

    # Service index 5.1 counts a result as electronic only once it is validly signed
    # (result_signing): an uploaded PDF signed elsewhere counts now; any other file waits for
    # the leader's signature (sign_result).
    verdicts = {i: result_signing.verdict_of_upload(r.file) if r.is_electronic else None
                for i, r in enumerate(results)}
    presigned = [i for i, v in verdicts.items() if v is not None and v.is_valid]

    def mark(d, change):
        d.has_electronic_result = d.has_electronic_result or bool(presigned)

    def issue(d, change):
        created = Result.objects.bulk_create([
            Result(dossier=d, name=r.name.strip(), number=r.number,
                   is_electronic=r.is_electronic, file=r.file or "", issued_at=change.at)
            for r in results
        ])
        for i in presigned:
            result_signing.record_presigned(d, created[i], verdicts[i])
        change.data["results"] = len(results)
        if presigned:
            change.data["signed_results"] = len(presigned)

    return _act(actor, dossier, Action.FINISH, expected_version, at, note,
                before=mark, after=issue)


def sign_result(actor, dossier, *, expected_version=None, at=None) -> Dossier:
    """The acting leader signs every electronic result awaiting a signature (its PDF with
    the QR code of its public verification page), the agency's seal follows; the dossier
    then has an electronic result (service index 5.1). The status does not change."""

    def sign(d, change):
        documents = result_signing.sign_awaiting(actor, d)
        d.has_electronic_result = True
        d.edata_synced_at = None  # the e-data store gets the signed results (edata_sync)
        change.data["signed"] = [doc.code for doc in documents]

    return _act(actor, dossier, Action.SIGN_RESULT, expected_version, at, "", before=sign)


def return_result(actor, dossier, *, expected_version=None, at=None) -> Dossier:
    return _act(actor, dossier, Action.RETURN_RESULT, expected_version, at, "")


def withdraw(actor, dossier, *, reason, expected_version=None, at=None) -> Dossier:
    return _act(actor, dossier, Action.WITHDRAW, expected_version, at, _required(reason))


def stop(actor, dossier, *, reason, expected_version=None, at=None) -> Dossier:
    return _act(actor, dossier, Action.STOP, expected_version, at, _required(reason))


def rate(actor, dossier, *, rating, expected_version=None, at=None) -> Dossier:
    return _act(actor, dossier, Action.RATE, expected_version, at, "", rating=rating)


# --- who holds the open step ----------------------------------------------------------


def reassign(actor, dossier, *, assignee, reason, expected_version=None, at=None) -> Dossier:
    """The step's assignee hands it over, or the unit's head gives it out, with a reason."""
    return _hand_over(actor, dossier, Action.REASSIGN, assignee, _required(reason),
                      expected_version, at)


def take_over(actor, dossier, *, reason="", expected_version=None, at=None) -> Dossier:
    """A holder of the step's role takes it: from the unit's queue, or from its assignee
    (then with a reason, which the timeline and the audit log keep)."""
    return _hand_over(actor, dossier, Action.TAKE_OVER, actor, reason, expected_version, at)


def _hand_over(actor, dossier, action, official, reason, expected_version, at) -> Dossier:
    reason = bounded((reason or "").strip(), texts.REASON_MAX, _("Lý do"))
    at = at or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        _check_version(actor, d, expected_version, at)
        guard.ensure(actor, d, action)
        if action == Action.TAKE_OVER and d.assignee_id is not None:
            reason = _required(reason)  # taking someone's work says why
        target = assignment.chosen(official, d.current_agency_id, assignment.holder_roles(d))
        if target.pk == d.assignee_id:
            raise ValidationFailed(_("Hồ sơ đang được giao cho chính cán bộ này."),
                                   code="invalid_assignee")
        change = transitions.Change(action, at, d.status, d.status, d.current_agency_id,
                                    step_id=d.current_step_id)
        change.data["previous_assignee_id"] = d.assignee_id
        _give(d, change, target.pk, _actor_name(target))
        _changed(d)
        d.save(update_fields=["assignee", "assigned_at", "lock_version", "sync_state"])
        _record(actor, d, change, reason, d.current_step_id)
    return d


# --- the common path ------------------------------------------------------------------


def _act(actor, dossier, action: str, expected_version, at: datetime | None, note: str, *,
         before: Hook | None = None, after: Hook | None = None, **params) -> Dossier:
    # Every note, and every reason (checked first by _required, with its own words).
    note = bounded(note or "", texts.NOTE_MAX, _("Ý kiến, ghi chú"))
    at = at or timezone.now()
    chosen = params.pop("assignee", None)
    with transaction.atomic():
        d = _locked(dossier)
        # The version first: whoever saw an older dossier is told it changed, whatever the
        # change made of the rest of the answer.
        _check_version(actor, d, expected_version, at)
        if action in (Action.START, Action.FORWARD):
            params["steps"] = assignment.steps_of(d)
        guard.ensure(actor, d, action, steps=params.get("steps"))
        if action == Action.RECEIVE:
            params["time"] = transitions.statutory_time(d)
        snapshot = {attname: getattr(d, attname) for _name, attname in _FIELDS}
        step_before = d.current_step_id
        change = transitions.apply(d, action, at, get_calendar(), **params)
        _assign(d, change, params.get("steps"), chosen)
        if before:
            before(d, change)
        _changed(d)
        d.save(update_fields=[name for name, attname in _FIELDS
                              if getattr(d, attname) != snapshot[attname]])
        if after:
            after(d, change)
        _record(actor, d, change, note, change.step_id or step_before)
    return d


def _changed(d: Dossier) -> None:
    """A new version of the dossier, which the national portal is owed (portal_sync)."""
    d.lock_version += 1
    d.sync_state = SyncState.PENDING


def _check_version(actor, d: Dossier, expected_version, at) -> None:
    if not policy.can_see(actor, d):  # before anything that would tell it exists
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if expected_version is not None and int(expected_version) != d.lock_version:
        raise Conflict(code="stale_version")
    if at < d.submitted_at:
        raise ValidationFailed(_("Thời điểm thao tác không thể trước thời điểm nộp hồ sơ."),
                               code="invalid_time")


def _locked(dossier) -> Dossier:
    # of=self: lock the dossier row only, not its procedure version or step shared by many.
    found = (Dossier.objects.select_for_update(of=("self",))
             .select_related("procedure_version", "current_step")
             .filter(pk=_pk(dossier)).first())
    if found is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    return found


# Moves after which nobody holds a step: the work is done or over.
_RELEASES = frozenset({Action.FINISH, Action.REFUSE, Action.WITHDRAW, Action.STOP})


def _assign(d: Dossier, change: transitions.Change, steps, chosen) -> None:
    """The step the move opened, or brought to another agency, gets its assignee: the one
    chosen (start, forward) or the default; a finished or closed dossier none."""
    if change.action in (Action.START, Action.FORWARD):
        role = next(s.role for s in steps if s.id == d.current_step_id)
        if chosen is not None:
            target = assignment.chosen(chosen, d.current_agency_id, role)
            _give(d, change, target.pk, _actor_name(target))
        else:
            _give_default(d, change, role)
    elif change.action in (Action.TRANSFER, Action.TRANSFER_BACK):
        _give_default(d, change, assignment.step_role(d))
    elif change.action in _RELEASES and d.assignee_id is not None:
        d.assignee_id = d.assigned_at = None


def _give_default(d: Dossier, change, role: str) -> None:
    pk, name = assignment.default_assignee(d.current_agency_id, role) or (None, "")
    _give(d, change, pk, name)


def _give(d: Dossier, change, pk: int | None, name: str) -> None:
    d.assignee_id, d.assigned_at = pk, (change.at if pk else None)
    # The timeline says who got the step (or that it waits in the unit's queue).
    change.data.update(assignee_id=pk, assignee_name=name)


def _record(actor, d: Dossier, change: transitions.Change, note: str,
            step_id) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=d, at=change.at, actor=actor if isinstance(actor, User) else None,
        actor_name=_actor_name(actor), action=str(change.action),
        from_status=change.from_status, to_status=change.to_status,
        agency_id=change.agency_id, step_id=step_id, note=note, data=change.data,
    )
    # Every state change in the audit chain too: one INSERT, rolled back with the action.
    # Who got the step travels with it (handing work over is security-relevant).
    handed = {k: change.data[k] for k in ("assignee_id", "previous_assignee_id")
              if k in change.data}
    audit.record(f"dossier.{change.action!s}", actor=actor if isinstance(actor, User) else None,
                 target=("dossiers.dossier", d.pk),
                 data={"code": d.code, "from": change.from_status, "to": change.to_status,
                       **handed})
    payload = {"dossier_id": d.pk, "action": str(change.action),
               "from_status": change.from_status, "to_status": change.to_status,
               "at": change.at}
    transaction.on_commit(lambda: signals.dossier_changed.send(sender=Dossier, **payload))
    return event


def _actor_name(actor) -> str:
    if policy.is_system(actor):
        return "system"
    return (getattr(actor, "full_name", "") or getattr(actor, "username", ""))[:150]


def _required(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Cần nêu rõ lý do."), code="reason_required")
    return bounded(text, texts.REASON_MAX, _("Lý do"))


def _pk(obj):
    return getattr(obj, "pk", obj)
