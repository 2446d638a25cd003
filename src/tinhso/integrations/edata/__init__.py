"""The national personal e-data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân on the
national public service portal): a citizen's papers and results kept per owner (client and
simulator).

No public specification of the store's interface for provinces exists; tinhso speaks one
small documented call (docs/edata-store.md), which the LGSP maps to the national one:

    PUT <url>/v1/owners/<personal id>/dossiers/<dossier code>   X-Api-Key: <token>
        {"procedure", "agency", "finished_at", "items": [{"kind": "paper"|"result", "name",
         "number", "size", "sha256", "content_base64"}]}
    200 {"stored": <items kept>}   (the dossier's whole set: a repeat replaces it)
    400 {"error"}                  (a set the store refuses, with its reason)
"""

from .client import EdataClient

__all__ = ["EdataClient"]
