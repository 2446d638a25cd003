"""The demo's synthetic citizens: one set of facts that the demo identity provider (VNeID's
stand-in) and the population registry's simulator both hold, as the real ones agree."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoCitizen:
    personal_id: str  # 025 = Phú Thọ; 4th digit sex/century; 5th–6th birth year
    full_name: str
    birth_date: date
    phone: str
    email: str
    address: str
    sex: str = "male"  # as the 4th digit of the personal id says (even: male)


CITIZENS = (
    DemoCitizen("025090001001", "Nguyễn Văn An", date(1990, 5, 12), "0912000101",
                "an.nguyen@example.vn", "Phường Việt Trì, tỉnh Phú Thọ"),
    DemoCitizen("025192002002", "Trần Thị Bình", date(1992, 9, 3), "0912000202",
                "binh.tran@example.vn", "Phường Phong Châu, tỉnh Phú Thọ", sex="female"),
    DemoCitizen("025205003003", "Lê Văn Cường", date(2005, 1, 20), "0912000303",
                "", "Xã Hy Cương, tỉnh Phú Thọ"),
)
