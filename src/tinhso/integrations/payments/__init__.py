"""Online payment of fees through the province's gateway, in VNPay's merchant protocol
(port, VNPay client, simulator, settlement)."""

from urllib.parse import urlsplit

from django.conf import settings

from .port import PaymentGateway
from .vnpay import PAY_PATH, VnpayGateway


def payment_url(configured: str) -> str:
    """VNPay's payment address: the configured one, or `<base>/paymentv2/vpcpay.html` when
    only the gateway's base address is configured."""
    configured = configured.rstrip("/")
    return configured + PAY_PATH if urlsplit(configured).path in ("", "/") else configured


def gateway() -> PaymentGateway:
    """The gateway chosen in settings (the simulator's address in the demo)."""
    return VnpayGateway(url=payment_url(settings.TINHSO_PAYMENT_GATEWAY_URL),
                        tmn_code=settings.TINHSO_PAYMENT_MERCHANT,
                        secret=settings.TINHSO_PAYMENT_SECRET)
