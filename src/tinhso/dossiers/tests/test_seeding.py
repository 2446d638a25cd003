"""Bulk seeding: realistic dossiers whose every fact is reachable through the state machine."""

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhso.catalog.models import (
    Component,
    Fee,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)
from tinhso.catalog.services import SYSTEM, publish
from tinhso.core.calendar import get_calendar
from tinhso.core.identifiers import decode_personal_id, validate_tax_code
from tinhso.core.models import AdministrativeUnit, Agency
from tinhso.core.roles import Role
from tinhso.core.timeunits import TimeUnit
from tinhso.dossiers import seeding
from tinhso.dossiers.models import (
    Channel,
    CodeCounter,
    Dossier,
    DossierComponent,
    DossierEvent,
    Payment,
    Result,
    Status,
    SupplementRequest,
)
from tinhso.dossiers.seeding.people import tax_code
from tinhso.dossiers.timeliness import Timeliness, classify
from tinhso.dossiers.transitions import TRANSITIONS, Action

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 20, 10, 30, tzinfo=VN)  # the seeded months include Tết 2026
S = Status


def _procedure(code, name, agencies, *, time, unit=TimeUnit.WORKING_DAYS,
               online=OnlineLevel.FULL, fees=(), electronic=True, templates=None,
               population=False):
    """A published procedure; templates: {agency or None: [(share, handled_by), ...]}."""
    sector, _ = Sector.objects.get_or_create(code="TEST", defaults={"name": "Thử nghiệm"})
    procedure = Procedure.objects.create(code=code, name=name, sector=sector)
    version = ProcedureVersion.objects.create(
        procedure=procedure, number=1, processing_time=Decimal(time), time_unit=unit,
        online_level=online, uses_population_data=population, at_commune=True)
    version.agencies.set(agencies)
    Component.objects.create(version=version, order=1, name="Tờ khai theo mẫu")
    Component.objects.create(version=version, order=2, name="Bản sao giấy tờ tùy thân",
                             reusable_kind="cccd")
    Component.objects.create(version=version, order=3, name="Ảnh", is_required=False)
    for order, amount in enumerate(fees, 1):
        Fee.objects.create(version=version, order=order, name=f"Lệ phí {order}", amount=amount)
    ResultType.objects.create(version=version, name=f"Kết quả {name}", is_electronic=electronic)
    for agency, steps in (templates or {None: [(30, None), (50, None), (20, None)]}).items():
        template = ProcessTemplate.objects.create(version=version, agency=agency,
                                                  name=f"Quy trình {code}")
        for order, (share, handled_by) in enumerate(steps, 1):
            ProcessStep.objects.create(template=template, order=order, name=f"Bước {order}",
                                       role=Role.SPECIALIST, share=Decimal(share),
                                       handled_by=handled_by)
    publish(SYSTEM, version)
    return version


@pytest.fixture
def small_province(db):
    unit = AdministrativeUnit.objects.create(
        code="25", name="Tỉnh Phú Thọ", level=AdministrativeUnit.Level.PROVINCE,
        division_type="tỉnh", codename="phu_tho", valid_from=date(2025, 7, 1))
    for code, name in (("09001", "Phường Việt Trì"), ("09002", "Xã Hy Cương")):
        AdministrativeUnit.objects.create(
            code=code, name=name, level=AdministrativeUnit.Level.COMMUNE, parent=unit,
            division_type="xã", codename=code, valid_from=date(2025, 7, 1))

    def agency(code, name, level=Agency.Level.PROVINCE):
        return Agency.objects.create(code=code, name=name, level=level, unit=unit)

    justice = agency("H25.07", "Sở Tư pháp")
    building = agency("H25.08", "Sở Xây dựng")
    ward = agency("H25.100", "UBND phường Việt Trì", Agency.Level.COMMUNE)
    commune = agency("H25.101", "UBND xã Hy Cương", Agency.Level.COMMUNE)
    agency("H25.102", "UBND xã Không Có Thủ Tục", Agency.Level.COMMUNE)
    _procedure("1.001193", "Đăng ký khai sinh", [ward, commune], time=3, population=True)
    _procedure("2.000815", "Chứng thực bản sao từ bản chính", [ward, commune], time=4,
               unit=TimeUnit.WORKING_HOURS, online=OnlineLevel.NONE, fees=(2_000,),
               electronic=False)
    _procedure("1.009999", "Cấp giấy phép xây dựng", [building], time=15,
               online=OnlineLevel.PARTIAL, fees=(150_000,), templates={
                   None: [(100, None)],
                   building: [(20, None), (50, ward), (30, None)],  # via the ward: liên thông
               })
    _procedure("1.000222", "Cấp phiếu lý lịch tư pháp", [justice], time=10,
               unit=TimeUnit.CALENDAR_DAYS, fees=(200_000, 5_000))
    return {"justice": justice, "building": building, "ward": ward, "commune": commune}


def _seed(count=300, seed=7, **kw):
    kw.setdefault("months", 6)
    return seeding.seed(count, seed=seed, now=NOW, batch_size=kw.pop("batch_size", 120), **kw)


def _codes_gap_free():
    groups = defaultdict(list)
    for code, agency_code, submitted in Dossier.objects.values_list(
            "code", "agency__code", "submitted_at"):
        prefix, day, number = code.rsplit("-", 2)
        assert prefix == agency_code
        assert day == f"{submitted.astimezone(VN):%y%m%d}"
        assert re.fullmatch(r"\d{4,}", number)
        groups[(prefix, day)].append(int(number))
    for key, numbers in groups.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key
    counters = {(a, f"{d:%y%m%d}"): last for a, d, last in
                CodeCounter.objects.values_list("agency__code", "day", "last")}
    assert counters == {key: len(numbers) for key, numbers in groups.items()}


def test_seeds_exactly_count_through_the_state_machine(small_province):
    report = _seed(300)
    assert report.count == Dossier.objects.count() == 300
    assert sum(report.by_status.values()) == 300
    events = defaultdict(list)
    for row in DossierEvent.objects.order_by("pk").values_list(
            "dossier_id", "action", "from_status", "to_status", "at"):
        events[row[0]].append(row[1:])
    for d in Dossier.objects.all():
        chain = events[d.pk]
        action, from_status, to_status, at = chain[0]
        assert (action, from_status, to_status, at) == (Action.SUBMIT, None, S.SUBMITTED,
                                                        d.submitted_at)
        status, last_at = S.SUBMITTED, at
        for action, from_status, to_status, at in chain[1:]:
            sources, target = TRANSITIONS[action]
            assert from_status == status and status in sources, (d.code, action, status)
            if target is None:
                paid = action == Action.RECORD_PAYMENT and status == S.PAYMENT_REQUESTED
                assert to_status == (S.PROCESSING if paid else status)
            else:
                assert to_status == target
            assert last_at <= at <= NOW
            status, last_at = to_status, at
        assert status == d.status, d.code
        assert d.lock_version == len(chain) - 1
    assert Dossier.objects.filter(received_at__isnull=False, due_at__isnull=True).count() == 0
    _codes_gap_free()


def test_due_dates_follow_the_calendar_and_pauses(small_province):
    _seed(300)
    cal = get_calendar()
    paused = Counter()
    for dossier_id, data in DossierEvent.objects.filter(action=Action.SUPPLEMENT).values_list(
            "dossier_id", "data"):
        paused[dossier_id] += data["paused_seconds"]
    requests = Counter()
    for dossier_id, seconds in SupplementRequest.objects.values_list("dossier_id",
                                                                      "paused_seconds"):
        requests[dossier_id] += seconds
    received = Dossier.objects.filter(received_at__isnull=False).select_related(
        "procedure_version")
    assert received.count() > 250
    for d in received:
        v = d.procedure_version
        expected = cal.due_at(d.received_at, v.processing_time, v.time_unit)
        if paused[d.pk]:
            expected = cal.add_working_time(expected, timedelta(seconds=paused[d.pk]))
        assert d.due_at == expected, d.code
        if SupplementRequest.objects.filter(dossier=d, resolved_at__isnull=True).exists():
            assert d.status in (S.SUPPLEMENT_REQUESTED, S.STOPPED, S.WITHDRAWN)
            assert d.paused_seconds >= requests[d.pk]  # plus the pause it ended in
        else:
            assert d.paused_seconds == requests[d.pk] == paused[d.pk]
        assert d.supplement_count == d.supplement_requests.count()


def test_shares_are_realistic(small_province):
    report = _seed(400, seed=11, months=8)
    dossiers = list(Dossier.objects.select_related("procedure_version"))
    n = len(dossiers)
    cal = get_calendar()
    first = NOW.date() - timedelta(days=round(8 * 30.4375))
    verdicts = Counter(classify(d, first, NOW, cal) for d in dossiers)
    counted = sum(v for k, v in verdicts.items() if k != Timeliness.NOT_COUNTED)
    on_time = (verdicts[Timeliness.ON_TIME] + verdicts[Timeliness.OPEN_ON_TIME]) / counted
    assert 0.75 <= on_time <= 0.97
    assert report.on_time_share == pytest.approx(on_time)
    online = sum(d.channel == Channel.ONLINE for d in dossiers) / n
    assert 0.5 <= online <= 0.95  # the certified-copy procedure is desk-only
    assert all(d.procedure_version.online_level != OnlineLevel.NONE
               for d in dossiers if d.channel == Channel.ONLINE)
    assert 0.04 <= sum(d.supplement_count > 0 for d in dossiers) / n <= 0.2
    assert sum(d.has_digitized_components for d in dossiers) / n >= 0.8
    assert 0.05 <= sum(d.reused_papers for d in dossiers) / n <= 0.9
    finished = [d for d in dossiers if d.finished_at]
    assert 0.5 <= sum(d.has_electronic_result for d in finished) / len(finished) <= 1
    statuses = Counter(d.status for d in dossiers)
    assert statuses[S.RETURNED] / n >= 0.6
    assert 0 < statuses[S.REFUSED] / n <= 0.06
    open_ = [d for d in dossiers if d.status in (S.SUBMITTED, S.RECEIVED, S.PROCESSING,
                                                 S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED)]
    assert open_ and min(d.submitted_at for d in open_) > NOW - timedelta(days=60)
    returned = [d for d in dossiers if d.status == S.RETURNED]
    assert 0.6 <= sum(d.rating is not None for d in returned) / len(returned) <= 0.9
    online_ones = [d for d in dossiers if d.channel == Channel.ONLINE]
    assert sum(d.vneid_verified for d in online_ones) / len(online_ones) >= 0.8
    assert not any(d.vneid_verified for d in dossiers if d.channel != Channel.ONLINE)
    assert sum(d.sync_state == "synced" for d in dossiers) / n >= 0.85
    # Liên thông: the building permit's middle step runs at the ward, which forwards it back.
    assert DossierEvent.objects.filter(dossier__agency=small_province["building"],
                                       agency=small_province["ward"],
                                       action=Action.FORWARD).exists()


def test_facts_identifiers_and_payments(small_province):
    _seed(300)
    dossiers = list(Dossier.objects.all())
    kinds = Counter(d.applicant_kind for d in dossiers)
    assert kinds["citizen"] > kinds["organisation"] > 0
    for d in dossiers:
        if d.applicant_kind == "citizen":
            person = decode_personal_id(d.applicant_id_number)
            assert 1940 <= person.birth_year <= 2008
            assert len(d.applicant_name.split()) >= 3
        else:
            validate_tax_code(d.applicant_id_number)
        assert re.fullmatch(r"09\d{8}", d.applicant_phone)
        assert d.fees_paid <= d.fees_owed
        if d.status == S.RETURNED:
            assert d.fees_paid == d.fees_owed
    assert sum(d.applicant_id_number.startswith("025") for d in dossiers) / len(dossiers) > 0.5
    payments = list(Payment.objects.values_list("method", "reference", "amount", "dossier_id"))
    assert payments and len({(m, r) for m, r, _a, _d in payments}) == len(payments)
    assert sum(m != Payment.Method.DESK for m, *_ in payments) / len(payments) >= 0.6
    paid = Counter()
    for _m, _r, amount, dossier_id in payments:
        paid[dossier_id] += amount
    for d in dossiers:
        assert d.fees_paid == paid[d.pk]
        assert d.paid_online == Payment.objects.filter(dossier=d).exclude(
            method=Payment.Method.DESK).exists()
    with_results = set(Result.objects.values_list("dossier_id", flat=True))
    assert with_results == {d.pk for d in dossiers if d.finished_at}
    components = DossierComponent.objects.filter(is_supplement=False)
    assert set(components.values_list("dossier_id", flat=True)) == {d.pk for d in dossiers}
    for d in dossiers:
        mine = [c for c in components if c.dossier_id == d.pk]
        assert d.has_digitized_components == any(c.is_digitized for c in mine)
        assert d.reused_papers == any(c.reused_from for c in mine)


def test_tax_codes_carry_their_check_digit():
    import random

    rng = random.Random(5)
    for _i in range(500):
        validate_tax_code(tax_code(rng))


def test_seeding_twice_continues_the_codes(small_province):
    _seed(200, seed=1)
    _seed(200, seed=2)
    assert Dossier.objects.count() == 400
    assert len(set(Dossier.objects.values_list("code", flat=True))) == 400
    _codes_gap_free()


def _fingerprint():
    dossiers = Dossier.objects.order_by("submitted_at", "code")
    rows = [(d.code, d.status, d.submitted_at, d.due_at, d.finished_at, d.applicant_name,
             d.applicant_id_number, d.rating, d.agency.code,
             tuple(d.events.order_by("pk").values_list("action", "at")))
            for d in dossiers.select_related("agency")]
    return rows


def test_same_seed_same_dossiers(small_province):
    _seed(150, seed=3)
    first = _fingerprint()
    Dossier.objects.all().delete()
    CodeCounter.objects.all().delete()
    _seed(150, seed=3, batch_size=40)  # batching does not change the data
    assert _fingerprint() == first
    Dossier.objects.all().delete()
    CodeCounter.objects.all().delete()
    _seed(150, seed=4)
    assert _fingerprint() != first


def test_query_count_does_not_grow_with_dossiers(small_province):
    """No per-dossier queries: reads are the same for 50 or 400 dossiers, and inserts carry
    many rows each (SQLite caps the parameters of one statement, so big batches split)."""

    def run(count, seed):
        with CaptureQueriesContext(connection) as ctx:
            _seed(count, seed=seed, batch_size=1000)
        inserts = [q for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "COPY"))]
        return len(ctx.captured_queries) - len(inserts), len(inserts)

    small_reads, _small_inserts = run(50, 5)
    before = _rows()
    big_reads, big_inserts = run(400, 6)
    assert big_reads == small_reads
    assert big_inserts <= (_rows() - before) / 15


def _rows():
    return sum(m.objects.count() for m in (Dossier, DossierEvent, DossierComponent, Result,
                                           Payment, SupplementRequest, CodeCounter))


def test_command_for_one_agency(small_province):
    out = StringIO()
    call_command("seed_dossiers", count=40, months=3, seed=9, agency="H25.100", stdout=out)
    assert Dossier.objects.count() == 40
    assert set(Dossier.objects.values_list("agency__code", flat=True)) == {"H25.100"}
    text = out.getvalue()
    assert "Đã tạo 40 hồ sơ" in text and "Đúng hạn" in text
    with pytest.raises(CommandError):
        call_command("seed_dossiers", count=5, agency="H25.102", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("seed_dossiers", count=0, stdout=StringIO())


def test_nothing_to_seed_without_a_catalogue(db):
    with pytest.raises(seeding.NothingToSeed):
        seeding.seed(10, now=NOW)


def test_open_steps_get_officials_of_their_role_in_turns(small_province):
    """Seeded open dossiers are someone's work, as lifecycle would have assigned them: a
    holder of the step's role at the agency handling it, taken in turns (no RNG draw: the
    dossiers stay those of the seed); an agency without one leaves it in its unit's queue."""
    from tinhso.core.models import User, UserRole

    def official(username, agency, role=Role.SPECIALIST):
        user = User.objects.create_user(username, agency=agency, full_name=username.title())
        UserRole.objects.create(user=user, role=role)
        return user

    a = official("cv1.tuphap", small_province["justice"])
    b = official("cv2.tuphap", small_province["justice"])
    ward = official("cv.vietri", small_province["ward"])
    official("ld.tuphap", small_province["justice"], Role.AGENCY_LEADER)  # not the steps' role
    _seed(300)
    held = Dossier.objects.filter(status__in=(S.PROCESSING, S.SUPPLEMENT_REQUESTED,
                                              S.PAYMENT_REQUESTED),
                                  current_step__isnull=False)
    assert held.exists()
    holders = {small_province["justice"].pk: {a.pk, b.pk}, small_province["ward"].pk: {ward.pk}}
    seen = Counter()
    for d in held:
        expected = holders.get(d.current_agency_id)
        if expected is None:
            assert d.assignee_id is None and d.assigned_at is None
            continue
        assert d.assignee_id in expected
        seen[d.assignee_id] += 1
        opened = d.events.filter(action__in=("start", "forward")).order_by("at", "pk").last()
        assert d.assigned_at == opened.at and opened.step_id == d.current_step_id
        assert opened.data["assignee_id"] == d.assignee_id
    assert seen[a.pk] and seen[b.pk] and abs(seen[a.pk] - seen[b.pk]) <= 1
    assert not Dossier.objects.exclude(status__in=(S.PROCESSING, S.SUPPLEMENT_REQUESTED,
                                                   S.PAYMENT_REQUESTED)).filter(
        assignee__isnull=False).exists()


@pytest.mark.parametrize("with_form", ["1.001193", "2.000815"])
def test_procedures_with_an_e_form_are_filed_most(small_province, with_form):
    # The province writes e-forms for what it files most: those lead the demo's popularity.
    form = {"title": "Tờ khai", "fields": [
        {"name": "ho_ten", "label": "Họ, chữ đệm và tên", "type": "text", "required": True}]}
    Component.objects.filter(version__procedure__code=with_form, order=1).update(form=form)
    _seed(600)
    at_communes = Counter(Dossier.objects.filter(
        agency__in=(small_province["ward"], small_province["commune"])
    ).values_list("procedure__code", flat=True))
    assert at_communes.most_common(1)[0][0] == with_form
