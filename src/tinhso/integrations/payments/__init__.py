"""Online payment of fees through the province's gateway (port, client, simulator, settlement)."""

from django.conf import settings

from .hmac_gateway import HmacGateway
from .port import PaymentGateway


def gateway() -> PaymentGateway:
    """The gateway chosen in settings (the simulator's address in the demo)."""
    return HmacGateway(url=settings.TINHSO_PAYMENT_GATEWAY_URL,
                       merchant=settings.TINHSO_PAYMENT_MERCHANT,
                       secret=settings.TINHSO_PAYMENT_SECRET)
