"""The national public service portal (Cổng Dịch vụ công quốc gia, DVCQG): dossier
synchronisation in the protocol provinces' one-stop systems speak to it (client and simulator).

The protocol (JSON over HTTP POST, through the national platform's adapter):
- log-in: `{"username", "password"}` to the authentication address, answered
  `{"session", "error_code": 0}`;
- every call: `{"session", "madonvi", "service", ...}` to the integration address; an answer
  with `error_code` "00" (or 0) acknowledges it;
- `DongBoHoSoMC` (`isUpdating` "True"/"False", `data`: dossiers), `CapNhatTienDoHoSoMC`
  (`data`: progress entries), `TraCuuHoSo` (`mahoso`: does the portal hold it).
Dates travel as `yyyyMMddHHmmss` in Vietnam's time. docs/national-portal.md has the fields.
"""

from .client import DvcqgPortal

__all__ = ["DvcqgPortal"]
