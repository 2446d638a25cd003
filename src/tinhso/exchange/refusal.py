"""A refused exchange, and the one JSON shape every refusal of the gateway answers with:
{"code", "message", "exchange_id"}, the message in Vietnamese."""

from __future__ import annotations

import json


class Refusal(Exception):
    """A refused exchange: its HTTP status, machine code and Vietnamese message."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
        self.extra = extra or {}  # more fields of the JSON body (a SOAP fault's own words)


def error_body(refusal: Refusal, exchange_id: str) -> bytes:
    return json.dumps({"code": refusal.code, "message": refusal.message, **refusal.extra,
                       "exchange_id": exchange_id}, ensure_ascii=False).encode("utf-8")
