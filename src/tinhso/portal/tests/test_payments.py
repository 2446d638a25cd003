"""Paying fees online through the VNPay simulator, over real HTTP both ways:
browser → portal → simulator page → (simulator → portal IPN) → browser back to the portal."""

import re

import pytest
import requests
from django.conf import settings
from django.test import Client

from tinhso.dossiers import payments
from tinhso.dossiers.models import FeeOrder, Payment, Status
from tinhso.integrations.payments import signing

ACTION_RE = re.compile(r"action='(/paymentv2/txn/[^/]+/(?:confirm|cancel))'")


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
    assert "/paymentv2/vpcpay.html?vnp_Amount=" in answer.headers["Location"]
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
    order = FeeOrder.objects.get(dossier=dossier)
    assert payment.reference == order.reference and order.reference.isalnum()
    assert order.state == FeeOrder.State.PAID and payment.gateway_reference
    # The timeline tells it in plain words.
    assert "Đã ghi nhận khoản thanh toán 70.000 đồng (trực tuyến)" in back.text


@pytest.mark.django_db(transaction=True)
def test_a_replayed_notice_changes_nothing(live_server, payment_gateway, province,
                                           make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    browser = browser_for(province.citizen, live_server)
    page = go_to_gateway(browser, live_server, dossier)
    _back, action = press(browser, payment_gateway, page, "confirm")
    order_id = action.split("/")[3]
    host, port = payment_gateway.server_address
    again = requests.post(f"http://{host}:{port}/paymentv2/txn/{order_id}/resend",
                          timeout=30).json()
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


def notice(*, reference, amount, transaction_no="14422574", response_code="00", **fields):
    """A result as VNPay signs it for the return URL and the IPN (amount in đồng)."""
    paid = response_code == "00"
    return signing.signed({
        "vnp_Amount": str(amount * 100), "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{transaction_no}" if paid else "",
        "vnp_CardType": "ATM" if paid else "", "vnp_OrderInfo": "Thanh toan phi le phi",
        "vnp_PayDate": "20261123080000", "vnp_ResponseCode": response_code,
        "vnp_TmnCode": settings.TINHSO_PAYMENT_MERCHANT,
        "vnp_TransactionNo": transaction_no if paid else "0",
        "vnp_TransactionStatus": "00" if paid else "02", "vnp_TxnRef": reference, **fields,
    }, settings.TINHSO_PAYMENT_SECRET)


@pytest.mark.django_db
def test_the_ipn_answers_in_vnpays_codes_and_records_each_payment_once(client, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    payments.open_order(dossier, new_reference=lambda: "H44TEST0001")
    forged = notice(reference="H44TEST0001", amount=70_000)
    forged["vnp_Amount"] = "100"
    assert client.get("/payments/ipn/", forged).json() == {
        "RspCode": "97", "Message": "Invalid signature"}
    unsigned = {k: v for k, v in notice(reference="H44TEST0001", amount=70_000).items()
                if k != "vnp_SecureHash"}
    assert client.get("/payments/ipn/", unsigned).json()["RspCode"] == "97"
    unknown = notice(reference="H44TEST0002", amount=70_000)
    assert client.get("/payments/ipn/", unknown).json() == {
        "RspCode": "01", "Message": "Order not found"}
    assert not Payment.objects.exists()
    # Another amount than the order's: refused (04); money taken is kept for a refund.
    short = notice(reference="H44TEST0001", amount=50_000, transaction_no="9")
    assert client.get("/payments/ipn/", short).json() == {
        "RspCode": "04", "Message": "Invalid amount"}
    assert client.get("/payments/ipn/", short).json()["RspCode"] == "04"
    assert Payment.objects.get().refund == Payment.Refund.OTHER_AMOUNT
    right = notice(reference="H44TEST0001", amount=70_000)
    assert client.get("/payments/ipn/", right).json() == {
        "RspCode": "00", "Message": "Confirm Success"}
    assert client.get("/payments/ipn/", right).json() == {
        "RspCode": "02", "Message": "Order already confirmed"}
    assert Payment.objects.filter(refund="").count() == 1
    dossier.refresh_from_db()
    assert (dossier.fees_paid, dossier.refund_due) == (70_000, 50_000)
    assert Payment.objects.get(refund="").gateway_reference == "14422574"


@pytest.mark.django_db
def test_a_cancelled_notice_closes_the_order_once(client, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    order = payments.open_order(dossier, new_reference=lambda: "H44TEST0003")
    cancelled = notice(reference=order.reference, amount=70_000, response_code="24")
    assert client.get("/payments/ipn/", cancelled).json()["RspCode"] == "00"
    order.refresh_from_db()
    assert order.state == FeeOrder.State.CANCELLED and not Payment.objects.exists()
    assert client.get("/payments/ipn/", cancelled).json()["RspCode"] == "02"


@pytest.mark.django_db
def test_the_browser_return_alone_records_nothing(login, province, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    payments.open_order(dossier, new_reference=lambda: "H44TEST0004")
    browser = login(province.citizen)
    response = browser.get("/payments/return/",
                           notice(reference="H44TEST0004", amount=70_000), follow=True)
    assert response.redirect_chain[-1][0] == f"/my/dossiers/{dossier.code}/"
    assert "đang chờ xác nhận" in response.content.decode()
    assert not Payment.objects.exists()
    forged = {**notice(reference="H44TEST0004", amount=70_000), "vnp_ResponseCode": "24"}
    response = browser.get("/payments/return/", forged, follow=True)
    assert "sai chữ ký" in response.content.decode()


@pytest.mark.django_db
def test_nothing_to_pay_offers_no_button(login, province, make_dossier):
    dossier = make_dossier(Status.REFUSED)
    html = login(province.citizen).get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert 'id="pay-online"' not in html
    response = login(province.citizen).post(f"/my/dossiers/{dossier.code}/pay/")
    assert response.status_code == 302 and "/my/dossiers/" in response["Location"]
