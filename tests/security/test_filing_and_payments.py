"""Issue 12, defects 4 and 12: a citizen's filing is bound to their identity and reuses only
their own papers; every payment the gateway confirms is recorded, once."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ComponentInput
from tinhso.dossiers.models import Dossier, FeeOrder, Payment, Status
from tinhso.dossiers.tests.conftest import CITIZEN_ID, OTHER_CITIZEN_ID, citizen_applicant
from tinhso.integrations.simulators import running
from tinhso.portal.tests.test_payments import browser_for, go_to_gateway, notice, press

URL = "/api/v1/dossiers/"
PDF = b"%PDF-1.4 paper"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def with_files(p) -> list[ComponentInput]:
    return [ComponentInput("Tờ khai", p.form.pk, file=ContentFile(PDF, name="tk.pdf")),
            ComponentInput("Căn cước", p.id_copy.pk, file=ContentFile(PDF, name="cc.pdf"),
                           is_digitized=True)]


def body(p, *, id_number=CITIZEN_ID, name="Trần Văn Dân", kind="citizen", refs=("", "")):
    return {"procedure": p.procedure.code, "agency": p.agency.code,
            "applicant": {"kind": kind, "name": name, "id_number": id_number},
            "components": [
                {"name": "Tờ khai", "component_id": p.form.pk, "reused_from": refs[0]},
                {"name": "Căn cước", "component_id": p.id_copy.pk, "reused_from": refs[1]}]}


def refs_of(dossier) -> tuple[str, str]:
    papers = {c.component_id: c.pk for c in dossier.components.all()}
    return tuple(f"GT-{pk}" for pk in papers.values())


# --- 4: the applicant is the signed-in citizen, reused papers are their own -------------


@pytest.mark.django_db
def test_api_filing_in_another_persons_name_is_refused(province, make_dossier):
    p = province
    theirs = make_dossier(user=p.other_citizen, components=with_files(p))
    response = client_for(p.citizen).post(
        URL, body(p, id_number=OTHER_CITIZEN_ID, name="Người Khác", refs=refs_of(theirs)),
        format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "applicant_not_self"
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_api_reuse_of_another_citizens_paper_or_any_string_is_refused(province,
                                                                      make_dossier):
    p = province
    theirs = make_dossier(user=p.other_citizen, components=with_files(p))
    for refs in (refs_of(theirs), ("KHO-TK-01", "anything"), ("GT-999999", "KQ-1")):
        response = client_for(p.citizen).post(URL, body(p, refs=refs), format="json")
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "invalid_reuse"
        assert sorted(response.json()["details"]) == sorted(refs)
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_api_required_paper_is_not_skipped(province):
    response = client_for(province.citizen).post(URL, body(province), format="json")
    assert response.status_code == 400 and response.json()["code"] == "missing_components"


@pytest.mark.django_db
def test_api_citizen_files_with_own_papers_under_the_name_the_provider_vouched(
        province, make_dossier):
    p = province
    mine = make_dossier(components=with_files(p))
    response = client_for(p.citizen).post(URL, body(p, name="Tên Tự Đặt", refs=refs_of(mine)),
                                          format="json")
    assert response.status_code == 201, response.content
    filed = Dossier.objects.get(code=response.json()["code"])
    assert (filed.applicant_id_number, filed.applicant_name) == (CITIZEN_ID, "Trần Văn Dân")
    assert filed.applicant_user == p.citizen and filed.reused_papers


@pytest.mark.django_db
def test_a_citizen_files_for_no_organisation_and_needs_a_personal_id(province):
    p = province
    org = body(p, kind="organisation", id_number="0100109106-001", name="Chi nhánh")
    response = client_for(p.citizen).post(URL, org, format="json")
    assert response.status_code == 403 and response.json()["code"] == "applicant_not_self"
    p.citizen.personal_id = None
    p.citizen.save()
    response = client_for(p.citizen).post(URL, body(p), format="json")
    assert response.status_code == 403 and response.json()["code"] == "identity_required"


@pytest.mark.django_db
def test_the_desk_enters_anyone_but_reuses_only_the_applicants_own_papers(province,
                                                                       make_dossier):
    p = province
    theirs = make_dossier(user=p.other_citizen, components=with_files(p))
    desk = client_for(p.officer)
    stolen = body(p, refs=refs_of(theirs))
    response = desk.post(f"{URL}intake/", stolen, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_reuse"
    # The applicant's own papers, and any applicant with papers in hand, are fine.
    own = body(p, id_number=OTHER_CITIZEN_ID, name="Lê Thị Hai", refs=refs_of(theirs))
    assert desk.post(f"{URL}intake/", own, format="json").status_code == 201
    assert desk.post(f"{URL}intake/", body(p, id_number="001099000001", name="Khách"),
                     format="json").status_code == 201


@pytest.mark.django_db
def test_a_supplement_reuses_only_the_applicants_own_papers(province, make_dossier):
    p = province
    theirs = make_dossier(user=p.other_citizen, components=with_files(p))
    mine = make_dossier(Status.SUPPLEMENT_REQUESTED)
    response = client_for(p.citizen).post(
        f"{URL}{mine.code}/supplement/",
        {"components": [{"name": "Ảnh", "reused_from": refs_of(theirs)[0]}]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_reuse"


@pytest.mark.django_db
def test_the_reuse_check_costs_one_query_and_none_without_reuse(province, make_dossier):
    p = province
    mine = make_dossier(components=with_files(p))
    papers = [ComponentInput("Tờ khai", p.form.pk, file=ContentFile(PDF, name="a.pdf")),
              ComponentInput("Căn cước", p.id_copy.pk, file=ContentFile(PDF, name="b.pdf"))]

    def count(components):
        with CaptureQueriesContext(connection) as queries:
            lifecycle.submit(p.citizen, procedure=p.procedure, agency=p.agency,
                             applicant=citizen_applicant(), channel=2, components=components)
        return len(queries)

    count(papers)  # the first filing of the day warms the code counter
    plain = count(papers)
    reused = [papers[0], ComponentInput("Căn cước", p.id_copy.pk, reused_from=refs_of(mine)[1])]
    assert count(reused) == plain + 1


# --- 12: one open order per fee; every confirmed payment recorded, once ------------------


@pytest.fixture
def simulator(settings, live_server):
    """The VNPay simulator, its own HTTP server (as in the portal's tests)."""

    from tinhso.integrations.payments.simulator import Merchant, make_server

    server = make_server("127.0.0.1", 0, {settings.TINHSO_PAYMENT_MERCHANT: Merchant(
        settings.TINHSO_PAYMENT_SECRET, f"{live_server.url}/payments/ipn/")})
    with running(server) as url:
        settings.TINHSO_PAYMENT_GATEWAY_URL = url  # VNPay's path is added
        yield server


def paid_on_gateway(simulator, browser, page):
    """Press "pay" on a gateway page; the simulator's answer from our IPN and the page back."""
    back, action = press(browser, simulator, page, "confirm")
    order_id = action.split("/")[3]
    return simulator.gateway.ipn_answers[order_id][-1], back


@pytest.mark.django_db(transaction=True)
def test_a_second_payment_of_the_same_fee_is_recorded_for_refund(
        live_server, simulator, province, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    browser = browser_for(province.citizen, live_server)
    first = go_to_gateway(browser, live_server, dossier)
    second = go_to_gateway(browser, live_server, dossier)  # another tab, or "pay" again
    assert FeeOrder.objects.filter(dossier=dossier).count() == 1  # the same open order

    answer, _back = paid_on_gateway(simulator, browser, first)
    assert answer["RspCode"] == "00"
    answer, back = paid_on_gateway(simulator, browser, second)
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}  # was 04, recorded nowhere
    assert "sẽ được hoàn trả" in back.text
    dossier.refresh_from_db()
    assert (dossier.fees_paid, dossier.refund_due) == (70_000, 70_000)
    settled, kept = Payment.objects.order_by("pk")
    assert settled.refund == "" and kept.refund == Payment.Refund.DUPLICATE
    assert kept.amount == 70_000 and kept.gateway_reference and kept.paid_at
    assert kept.gateway_reference != settled.gateway_reference


@pytest.mark.django_db(transaction=True)
def test_a_late_payment_of_a_replaced_order_is_recorded_for_refund(
        live_server, simulator, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)  # owes 70,000
    browser = browser_for(province.citizen, live_server)
    old = go_to_gateway(browser, live_server, dossier)
    lifecycle.request_payment(province.specialist, dossier, amount=30_000)  # owes 100,000
    new = go_to_gateway(browser, live_server, dossier)
    assert "100.000 đồng" in new.text
    assert list(FeeOrder.objects.order_by("pk").values_list("amount", "state")) == [
        (70_000, FeeOrder.State.CANCELLED), (100_000, FeeOrder.State.OPEN)]

    assert paid_on_gateway(simulator, browser, new)[0]["RspCode"] == "00"
    answer, _back = paid_on_gateway(simulator, browser, old)
    assert answer["RspCode"] == "00"  # acknowledged: the gateway stops retrying
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert (dossier.fees_paid, dossier.refund_due) == (100_000, 70_000)
    late = Payment.objects.get(refund=Payment.Refund.CANCELLED_ORDER)
    assert late.amount == 70_000
    # Resent by the gateway: recognised, not recorded twice.
    order_id = next(k for k, v in simulator.gateway.notices.items()
                    if v["notice"]["vnp_Amount"] == "7000000")
    host, port = simulator.server_address
    import requests

    again = requests.post(f"http://{host}:{port}/paymentv2/txn/{order_id}/resend",
                          timeout=30).json()
    assert again["RspCode"] == "02" and Payment.objects.count() == 2


@pytest.mark.django_db
def test_a_payment_after_the_fee_was_paid_at_the_desk_is_kept_and_shown(
        province, make_dossier, login):
    from tinhso.dossiers import payments
    from tinhso.integrations.payments import settlement

    dossier = make_dossier(Status.PAYMENT_REQUESTED)
    order = payments.open_order(dossier, new_reference=lambda: f"{dossier.code}.a1")
    lifecycle.record_payment(province.officer, dossier, amount=order.amount, method=3,
                             reference="BL-1")
    outcome = settlement.settle(notice(reference=order.reference, amount=order.amount,
                                       transaction_no="777"))
    assert outcome.as_dict()["RspCode"] == "00"
    kept = Payment.objects.get(gateway_reference="777")
    assert kept.refund == Payment.Refund.NOT_OWED
    # Officials see it on the dossier, in the API and in the admin, with its label.
    label = "Cần hoàn trả: hồ sơ không còn nợ khoản này"
    page = login(province.officer).get(f"/office/dossiers/{dossier.code}/")
    assert label in page.content.decode()
    body = client_for(province.officer).get(f"{URL}{dossier.code}/").json()
    assert [p["refund_label"] for p in body["payments"]] == ["", label]
    from tinhso.core.models import User

    admin = User.objects.create_superuser("quantri.tt", password="x")
    listing = login(admin).get("/admin/dossiers/payment/?refund__exact=not_owed")
    assert listing.status_code == 200 and label in listing.content.decode()


@pytest.mark.django_db
def test_at_most_one_open_order_per_dossier(province, make_dossier):
    from django.db import IntegrityError, transaction

    from tinhso.dossiers import payments

    dossier = make_dossier(Status.SUBMITTED)
    refs = iter(["R.1", "R.2"])
    first = payments.open_order(dossier, new_reference=lambda: next(refs))
    assert payments.open_order(dossier, new_reference=lambda: next(refs)) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeOrder.objects.create(dossier=dossier, reference="R.3", amount=1,
                                created_at=first.created_at)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.parametrize("numbers", [("5", "5"), ("5", "6")])
def test_concurrent_callbacks_for_the_same_order_settle_once(province, make_dossier, numbers):
    from tinhso.dossiers import payments
    from tinhso.dossiers.tests.test_concurrency import race
    from tinhso.integrations.payments import settlement

    dossier = make_dossier(Status.SUBMITTED)
    order = payments.open_order(dossier, new_reference=lambda: f"{dossier.code}.c1")
    notices = [notice(reference=order.reference, amount=70_000, transaction_no=n)
               for n in numbers]
    answers = race(2, lambda i: settlement.settle(notices[i]).as_dict()["RspCode"])
    dossier.refresh_from_db()
    assert dossier.fees_paid == 70_000
    assert Payment.objects.filter(refund="").count() == 1
    if numbers[0] == numbers[1]:  # the same notice twice: recorded once
        assert sorted(answers) == ["00", "02"] and Payment.objects.count() == 1
    else:  # two payments of one order: one settles, the other waits for its refund
        assert answers == ["00", "00"] and dossier.refund_due == 70_000


@pytest.mark.django_db
def test_money_kept_for_a_refund_is_in_the_audit_chain(province, make_dossier):
    from tinhso.core.models import AuditEntry
    from tinhso.dossiers import payments

    dossier = make_dossier(Status.SUBMITTED)
    order = payments.open_order(dossier, new_reference=lambda: f"{dossier.code}.z9")
    payments.confirm(reference=order.reference, amount=1_000, succeeded=True,
                     gateway_reference="G-1", method=Payment.Method.PROVINCE_GATEWAY)
    entry = AuditEntry.objects.get(action="dossier.payment_refund_due")
    assert entry.data["amount"] == 1_000 and entry.data["refund"] == "other_amount"
