"""Paying fees online through the gateway simulator, over real HTTP both ways:
browser → portal → simulator page → (simulator → portal IPN) → browser back to the portal."""

import re

import pytest
import requests
from django.conf import settings
from django.test import Client

from tinhso.dossiers import payments
from tinhso.dossiers.models import Payment, Status
from tinhso.integrations.payments import signing

ACTION_RE = re.compile(r"action='(/pay/[^/]+/(?:confirm|cancel))'")


def browser_for(user, live_server) -> requests.Session:
    """A real HTTP client carrying a signed-in session of `user`."""
    client = Client()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME,
                        client.cookies[settings.SESSION_COOKIE_NAME].value)
    browser.get(f"{live_server.url}/my/dossiers/", timeout=30)  # sets the CSRF cookie
    return browser


def go_to_gateway(browser, live_server, dossier):
    answer = browser.post(f"{live_server.url}/my/dossiers/{dossier.code}/pay/", timeout=30,
                          data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                          allow_redirects=False)
    assert answer.status_code == 302
    page = browser.get(answer.headers["Location"], timeout=30)
    assert page.status_code == 200
    return page


def press(browser, gateway, page, verb):
    host, port = gateway.server_address
    action = next(a for a in ACTION_RE.findall(page.text) if a.endswith(verb))
    return browser.post(f"http://{host}:{port}{action}", timeout=30), action


@pytest.mark.django_db(transaction=True)
def test_a_citizen_pays_the_fees_online(live_server, payment_gateway, province, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    assert dossier.fees_owed == 70_000 and dossier.fees_paid == 0
    browser = browser_for(province.citizen, live_server)

    page = go_to_gateway(browser, live_server, dossier)
    assert "70.000 đồng" in page.text and dossier.code in page.text
    back, _action = press(browser, payment_gateway, page, "confirm")

    assert back.url == f"{live_server.url}/my/dossiers/{dossier.code}/"
    assert "Thanh toán thành công" in back.text
    dossier.refresh_from_db()
    assert (dossier.fees_paid, dossier.paid_online) == (70_000, True)
    payment = Payment.objects.get(dossier=dossier)
    assert payment.method == Payment.Method.PROVINCE_GATEWAY
    assert payment.reference.startswith(f"{dossier.code}.")
    # The timeline tells it in plain words.
    assert "Đã ghi nhận khoản thanh toán 70.000 đồng (trực tuyến)" in back.text


@pytest.mark.django_db(transaction=True)
def test_a_replayed_notice_changes_nothing(live_server, payment_gateway, province,
                                           make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    browser = browser_for(province.citizen, live_server)
    page = go_to_gateway(browser, live_server, dossier)
    _back, action = press(browser, payment_gateway, page, "confirm")
    order_id = action.split("/")[2]
    host, port = payment_gateway.server_address
    again = requests.post(f"http://{host}:{port}/pay/{order_id}/resend", timeout=30).json()
    assert again == {"RspCode": "02", "Message": "Order already confirmed"}
    assert payment_gateway.gateway.ipn_answers[order_id][0]["RspCode"] == "00"
    dossier.refresh_from_db()
    assert dossier.fees_paid == 70_000 and Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_payment_records_nothing(live_server, payment_gateway, province,
                                             make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    browser = browser_for(province.citizen, live_server)
    back, _action = press(browser, payment_gateway,
                          go_to_gateway(browser, live_server, dossier), "cancel")
    assert "Giao dịch đã bị hủy" in back.text
    assert not Payment.objects.exists()


def notice(**fields):
    base = {"merchant": settings.TINHSO_PAYMENT_MERCHANT, "response_code": "00",
            "transaction_no": "1", "paid_at": "20261123080000"}
    return signing.signed({**base, **fields}, settings.TINHSO_PAYMENT_SECRET)


@pytest.mark.django_db
def test_the_callback_refuses_a_forged_signature_and_keeps_a_wrong_amount_for_refund(
        client, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    payments.open_order(dossier, new_reference=lambda: f"{dossier.code}.abcd")
    forged = notice(reference=f"{dossier.code}.abcd", amount="70000")
    forged["amount"] = "1"
    assert client.get("/payments/ipn/", forged).json()["RspCode"] == "97"
    unknown = notice(reference=f"{dossier.code}.ffff", amount="70000")
    assert client.get("/payments/ipn/", unknown).json()["RspCode"] == "01"
    assert not Payment.objects.exists()
    # Money the gateway took, of another amount than the order's: kept for a refund.
    short = notice(reference=f"{dossier.code}.abcd", amount="50000", transaction_no="9")
    assert client.get("/payments/ipn/", short).json()["RspCode"] == "00"
    assert Payment.objects.get().refund == Payment.Refund.OTHER_AMOUNT
    right = notice(reference=f"{dossier.code}.abcd", amount="70000")
    assert client.post("/payments/ipn/", right).json()["RspCode"] == "00"
    assert client.post("/payments/ipn/", right).json()["RspCode"] == "02"
    assert Payment.objects.filter(refund="").count() == 1
    dossier.refresh_from_db()
    assert (dossier.fees_paid, dossier.refund_due) == (70_000, 50_000)


@pytest.mark.django_db
def test_the_browser_return_alone_records_nothing(login, province, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    response = login(province.citizen).get(
        "/payments/return/", notice(reference=f"{dossier.code}.abcd", amount="70000"))
    assert response.status_code == 302
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_nothing_to_pay_offers_no_button(login, province, make_dossier):
    dossier = make_dossier(Status.REFUSED)
    html = login(province.citizen).get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert 'id="pay-online"' not in html
    response = login(province.citizen).post(f"/my/dossiers/{dossier.code}/pay/")
    assert response.status_code == 302 and "/my/dossiers/" in response["Location"]
