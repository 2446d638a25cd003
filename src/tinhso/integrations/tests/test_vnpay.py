"""VNPay's merchant protocol (API 2.1.0): checked against published examples.

- The IPN/return result and its hash are the published test vector of the `vnpay` SDK for
  Node.js (github.com/lehuygiang28/vnpay, test/verify-ipn-call.test.ts): hash secret
  "test_secret", TmnCode "TEST_TMN_CODE".
- The payment URL is the example of VNPay's integration guide
  (https://sandbox.vnpayment.vn/apis/docs/huong-dan-tich-hop/, "Tạo URL Thanh toán"); the guide
  does not publish that merchant's hash secret, so the hash here is computed independently
  (hmac, hashlib) over the canonical text written out literally.
"""

import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

from tinhso.integrations.payments import payment_url, signing
from tinhso.integrations.payments.port import InvalidNotice, PaymentOrder
from tinhso.integrations.payments.simulator import Gateway, Merchant
from tinhso.integrations.payments.vnpay import VnpayGateway, plain

# --- The SDK's published IPN result (amount 10,000 đồng, paid with an NCB ATM card).
SDK_SECRET = "test_secret"
SDK_RESULT = {
    "vnp_Amount": "1000000",
    "vnp_BankCode": "NCB",
    "vnp_BankTranNo": "VNP14422574",
    "vnp_CardType": "ATM",
    "vnp_OrderInfo": "Thanh toan don hang 2024-05-21T02:17:31.249Z",
    "vnp_PayDate": "20240521091806",
    "vnp_ResponseCode": "00",
    "vnp_TmnCode": "TEST_TMN_CODE",
    "vnp_TransactionNo": "14422574",
    "vnp_TransactionStatus": "00",
    "vnp_TxnRef": "1716257871703",
    "vnp_SecureHash": "649982421beb422556a1374713c74e58e716ecbd05007c0c0e1f7effdfaf361dbf14688"
                      "9ca446139afe11b9954c4d5c486e99e3b86fcfab6957f29eb0be72895",
}
# The same with vnp_ResponseCode 99 (a failed payment), signed by the SDK's test.
SDK_FAILED_HASH = ("503194f6d93b57b357b2d1d09742565e67e86d771352c5dca4fc8d39df3d392c6b3809ad"
                   "d9405f97cfb9631f445e36c80656cfbf47eac67d97fa165865c13e1b")


def test_the_published_ipn_result_has_the_published_hash():
    assert signing.canonical(SDK_RESULT) == (
        "vnp_Amount=1000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14422574&vnp_CardType=ATM"
        "&vnp_OrderInfo=Thanh+toan+don+hang+2024-05-21T02%3A17%3A31.249Z"
        "&vnp_PayDate=20240521091806&vnp_ResponseCode=00&vnp_TmnCode=TEST_TMN_CODE"
        "&vnp_TransactionNo=14422574&vnp_TransactionStatus=00&vnp_TxnRef=1716257871703")
    assert signing.sign(SDK_RESULT, SDK_SECRET) == SDK_RESULT["vnp_SecureHash"]
    assert signing.sign({**SDK_RESULT, "vnp_ResponseCode": "99"}, SDK_SECRET) == SDK_FAILED_HASH


def test_the_merchant_reads_the_published_result_and_refuses_any_change():
    gw = VnpayGateway(url=payment_url("https://sandbox.vnpayment.vn"),
                      tmn_code="TEST_TMN_CODE", secret=SDK_SECRET)
    notice = gw.read_notice(SDK_RESULT)
    assert (notice.reference, notice.amount, notice.transaction_no) == (
        "1716257871703", 10_000, "14422574")
    assert notice.succeeded
    failed = {**SDK_RESULT, "vnp_ResponseCode": "99", "vnp_SecureHash": SDK_FAILED_HASH}
    assert not gw.read_notice(failed).succeeded
    upper = {**SDK_RESULT, "vnp_SecureHash": SDK_RESULT["vnp_SecureHash"].upper()}
    assert gw.read_notice(upper).succeeded  # hex in either case
    for forged in ({**SDK_RESULT, "vnp_Amount": "100000000"},
                   {**SDK_RESULT, "vnp_ResponseCode": "99"},
                   {k: v for k, v in SDK_RESULT.items() if k != "vnp_SecureHash"}):
        with pytest.raises(InvalidNotice) as refused:
            gw.read_notice(forged)
        assert refused.value.forged
    with pytest.raises(InvalidNotice):  # signed right, but for another merchant
        VnpayGateway(url="", tmn_code="KHAC0001", secret=SDK_SECRET).read_notice(SDK_RESULT)
    with pytest.raises(InvalidNotice):
        VnpayGateway(url="", tmn_code="TEST_TMN_CODE", secret="other").read_notice(SDK_RESULT)


# --- VNPay's guide: the payment URL of order 5, 18,060 đồng, created 2021-08-01 15:33:33.
GUIDE_QUERY = (
    "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
    "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5"
    "&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
    "&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0")
GUIDE_ORDER = PaymentOrder(reference="5", amount=18_060, description="Thanh toan don hang :5",
                           return_url="https://domainmerchant.vn/ReturnUrl",
                           payer_ip="127.0.0.1")
CREATED = datetime(2021, 8, 1, 8, 33, 33, tzinfo=UTC)  # 15:33:33 at GMT+7


def test_the_payment_url_is_the_guides_query_signed_with_hmac_sha512():
    assert signing.canonical(dict(parse_qsl(GUIDE_QUERY))) == GUIDE_QUERY
    gw = VnpayGateway(url="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
                      tmn_code="DEMOV210", secret="SECRETKEYOFTHEMERCHANT")
    url = gw.checkout_url(GUIDE_ORDER, now=CREATED)
    # Ours adds the expiry (15 minutes), in its sorted place, and the hash last.
    signed_text = GUIDE_QUERY.replace("&vnp_IpAddr=",
                                      "&vnp_ExpireDate=20210801154833&vnp_IpAddr=")
    expected = hmac.new(b"SECRETKEYOFTHEMERCHANT", signed_text.encode(),
                        hashlib.sha512).hexdigest()
    assert url == ("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?"
                   f"{signed_text}&vnp_SecureHash={expected}")
    assert "vnp_SecureHashType" not in url  # version 2.1.0 sends none


def test_the_order_info_is_plain_ascii_and_the_gateway_address_takes_vnpays_path():
    assert plain("Thanh toán phí, lệ phí hồ sơ H44.07-260213-0001 (Đợt 1)") == (
        "Thanh toan phi le phi ho so H44.07-260213-0001 Dot 1")
    assert payment_url("https://sandbox.vnpayment.vn/") == (
        "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")
    assert payment_url("http://127.0.0.1:8100/paymentv2/vpcpay.html") == (
        "http://127.0.0.1:8100/paymentv2/vpcpay.html")


def test_the_simulator_checks_orders_as_vnpay_and_signs_results_the_merchant_accepts():
    secret = "k" * 32
    sim = Gateway({"TINHSO01": Merchant(secret, "http://127.0.0.1:9/ipn")}, ipn_timeout=0.5)
    merchant = VnpayGateway(url="http://sim/paymentv2/vpcpay.html", tmn_code="TINHSO01",
                            secret=secret)
    now = datetime.now(UTC)
    order = dict(parse_qsl(urlsplit(merchant.checkout_url(GUIDE_ORDER, now=now)).query))

    def refused(params, at=now):
        return sim.open_order(params, at)[1]

    assert "mã lỗi 70" in refused({**order, "vnp_Amount": "100"})
    assert "mã lỗi 02" in refused({**order, "vnp_TmnCode": "KHAC0001"})
    assert "mã lỗi 03" in refused(signing.signed({**order, "vnp_Version": "2.0.1"}, secret))
    assert "mã lỗi 11" in refused(order, datetime(2030, 1, 1, tzinfo=UTC))
    order_id, error = sim.open_order(order, now)
    assert order_id and not error

    result, back_to = sim.finish(order_id, "00")
    assert back_to == "https://domainmerchant.vn/ReturnUrl"
    assert sim.ipn_answers[order_id][0]["RspCode"] == "network"  # nobody at the IPN address
    notice = merchant.read_notice(result)
    assert notice.succeeded and (notice.reference, notice.amount) == ("5", 18_060)
    assert {"vnp_BankCode", "vnp_BankTranNo", "vnp_CardType", "vnp_OrderInfo", "vnp_PayDate",
            "vnp_TransactionNo", "vnp_TransactionStatus"} <= result.keys()

    cancelled_id, _error = sim.open_order(order, now)
    cancelled, _back = sim.finish(cancelled_id, "24")
    notice = merchant.read_notice(cancelled)
    assert not notice.succeeded and notice.response_code == "24"
    assert notice.transaction_no == ""  # VNPay's "0": no transaction
    assert sim.finish(cancelled_id, "00") is None  # an order is finished once
