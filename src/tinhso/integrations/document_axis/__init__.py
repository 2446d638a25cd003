"""The national document exchange axis (trục liên thông văn bản quốc gia): edXML packages to
and from other provinces and ministries, through a pull mailbox per agency (client and
simulator).

No public specification of the axis's interface for provinces exists; tinhso speaks a small
documented REST API (docs/document-axis.md) with the axis's operations (registerAgency,
sendDocument, getReceivedList, getDocument, updateStatus, getSentList), which the LGSP maps to
the national one. Every call carries X-Api-Key: <token>.

    POST /v1/agencies                       {"organ_id", "name"} -> 201 (new) / 200
    POST /v1/agencies/<organ>/sent?to=<organ>,<organ>&kind=document|status
         application/xml body: the package  -> 201 {"message_id", "duplicate": false}
                                               200 (the same bytes again: the same message)
    GET  /v1/agencies/<organ>/sent?limit=N  -> {"messages": [{..., "recipients": [{"organ_id",
                                               "state": pending|delivered|done|failed}]}]}
    GET  /v1/agencies/<organ>/received?limit=N -> {"messages": [{"message_id", "from", "kind",
                                               "size", "sha256", "received_at", "state"}]}
    GET  /v1/agencies/<organ>/received/<id> -> application/xml: the package, as sent
    POST /v1/agencies/<organ>/received/<id>/status  {"status": "done"|"failed", "reason"}

Refusals are JSON {"code", "error"} (Vietnamese): 400, 401, 404, 409, 410, 411, 413, 415.
"""

from .client import DocumentAxisClient

__all__ = ["DocumentAxisClient"]
