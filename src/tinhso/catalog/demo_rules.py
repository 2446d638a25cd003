"""How the demo catalogue fills in papers, fees, results and times for a procedure name."""

from __future__ import annotations

import random
from decimal import Decimal

from tinhso.core.text import fold

# Real national codes for the best-known procedures (the rest of the demo codes are made up).
REAL_CODES = {
    "Đăng ký khai sinh": "1.001193",
    "Đăng ký kết hôn": "1.000894",
    "Đăng ký khai tử": "1.000656",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền "
    "của Việt Nam cấp hoặc chứng nhận": "2.000815",
}

LEGAL_BASIS = {
    "HO_TICH": "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP.",
    "CHUNG_THUC": "Nghị định số 23/2015/NĐ-CP về cấp bản sao từ sổ gốc, chứng thực bản sao "
                  "từ bản chính, chứng thực chữ ký và chứng thực hợp đồng, giao dịch.",
    "LY_LICH_TU_PHAP": "Luật Lý lịch tư pháp số 28/2009/QH12.",
    "BO_TRO_TU_PHAP": "Luật Luật sư số 65/2006/QH11; Luật Công chứng số 46/2024/QH15.",
    "TRO_GIUP_PHAP_LY": "Luật Trợ giúp pháp lý số 11/2017/QH14; Luật Hòa giải ở cơ sở "
                        "số 35/2013/QH13.",
    "DAT_DAI": "Luật Đất đai số 31/2024/QH15; Nghị định số 101/2024/NĐ-CP.",
    "XAY_DUNG": "Luật Xây dựng số 50/2014/QH13, sửa đổi, bổ sung bởi Luật số 62/2020/QH14.",
    "GIAO_THONG": "Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15.",
    "DOANH_NGHIEP": "Luật Doanh nghiệp số 59/2020/QH14.",
    "HO_KINH_DOANH": "Luật Doanh nghiệp số 59/2020/QH14; Luật Hợp tác xã số 17/2023/QH15.",
    "DAU_TU": "Luật Đầu tư số 61/2020/QH14.",
    "BAO_TRO_XA_HOI": "Nghị định số 20/2021/NĐ-CP quy định chính sách trợ giúp xã hội.",
    "NGUOI_CO_CONG": "Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14; "
                     "Nghị định số 131/2021/NĐ-CP.",
    "LAO_DONG": "Bộ luật Lao động số 45/2019/QH14; Luật Việc làm số 38/2013/QH13.",
    "NOI_VU": "Luật Thi đua, khen thưởng số 06/2022/QH15.",
    "TON_GIAO": "Luật Tín ngưỡng, tôn giáo số 02/2016/QH14.",
    "GIAO_DUC": "Luật Giáo dục số 43/2019/QH14.",
    "Y_TE": "Luật Khám bệnh, chữa bệnh số 15/2023/QH15; Luật Dược số 105/2016/QH13.",
    "TAI_NGUYEN_NUOC": "Luật Tài nguyên nước số 28/2023/QH15.",
    "MOI_TRUONG": "Luật Bảo vệ môi trường số 72/2020/QH14.",
    "KHOANG_SAN": "Luật Địa chất và khoáng sản số 54/2024/QH15.",
    "NONG_NGHIEP": "Luật Trồng trọt số 31/2018/QH14; Luật Chăn nuôi số 32/2018/QH14.",
    "VAN_HOA": "Luật Du lịch số 09/2017/QH14; Nghị định số 54/2019/NĐ-CP.",
    "CONG_THUONG": "Luật Thương mại số 36/2005/QH11.",
    "KHOA_HOC": "Luật Khoa học và công nghệ số 29/2013/QH13.",
    "THANH_TRA": "Luật Khiếu nại số 02/2011/QH13; Luật Tố cáo số 25/2018/QH14; "
                 "Luật Tiếp công dân số 42/2013/QH13.",
}

COMMUNE_DIVISION = {s: "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân" for s in
                    ("HO_TICH", "CHUNG_THUC", "BO_TRO_TU_PHAP", "TRO_GIUP_PHAP_LY", "NOI_VU",
                     "THANH_TRA")}
COMMUNE_DIVISION |= {s: "Phòng Kinh tế" for s in
                     ("DAT_DAI", "XAY_DUNG", "GIAO_THONG", "HO_KINH_DOANH", "TAI_NGUYEN_NUOC",
                      "MOI_TRUONG", "NONG_NGHIEP", "CONG_THUONG")}
COMMUNE_DIVISION |= {s: "Phòng Văn hóa - Xã hội" for s in
                     ("BAO_TRO_XA_HOI", "NGUOI_CO_CONG", "TON_GIAO", "GIAO_DUC", "VAN_HOA",
                      "KHOA_HOC")}
PROVINCE_DIVISION = {
    "LY_LICH_TU_PHAP": "Phòng Hành chính tư pháp", "BO_TRO_TU_PHAP": "Phòng Bổ trợ tư pháp",
    "TRO_GIUP_PHAP_LY": "Trung tâm Trợ giúp pháp lý nhà nước",
    "DAT_DAI": "Văn phòng Đăng ký đất đai", "XAY_DUNG": "Phòng Quản lý xây dựng",
    "GIAO_THONG": "Phòng Quản lý vận tải, phương tiện và người lái",
    "DOANH_NGHIEP": "Phòng Đăng ký kinh doanh", "DAU_TU": "Phòng Kinh tế đối ngoại",
    "BAO_TRO_XA_HOI": "Phòng Bảo trợ xã hội", "NGUOI_CO_CONG": "Phòng Người có công",
    "LAO_DONG": "Phòng Lao động - Việc làm", "NOI_VU": "Ban Thi đua - Khen thưởng",
    "TON_GIAO": "Phòng Tôn giáo", "GIAO_DUC": "Phòng Giáo dục trung học",
    "Y_TE": "Phòng Nghiệp vụ Y - Dược", "TAI_NGUYEN_NUOC": "Phòng Tài nguyên nước",
    "MOI_TRUONG": "Phòng Môi trường", "KHOANG_SAN": "Phòng Địa chất và Khoáng sản",
    "NONG_NGHIEP": "Chi cục Trồng trọt, Chăn nuôi và Thú y", "VAN_HOA": "Phòng Quản lý văn hóa",
    "CONG_THUONG": "Phòng Quản lý thương mại", "KHOA_HOC": "Phòng Quản lý khoa học",
    "THANH_TRA": "Phòng Tiếp công dân và xử lý đơn thư",
}

CCCD = {"name": "Căn cước hoặc Căn cước công dân của người yêu cầu (xuất trình)",
        "is_required": True, "originals": 1, "copies": 0, "reusable_kind": "CCCD"}
ORGANISATION = {"name": "Giấy chứng nhận đăng ký doanh nghiệp hoặc quyết định thành lập",
                "is_required": True, "originals": 0, "copies": 1, "reusable_kind": "GCN_DKDN"}
ORGANISATION_SECTORS = {"DOANH_NGHIEP", "DAU_TU", "CONG_THUONG", "KHOA_HOC", "MOI_TRUONG",
                        "TAI_NGUYEN_NUOC", "KHOANG_SAN", "Y_TE"}
SECTOR_PAPERS = {
    "HO_TICH": [("Giấy tờ, tài liệu chứng minh nội dung yêu cầu đăng ký", ""),
                ("Giấy tờ chứng minh nơi cư trú", "")],
    "CHUNG_THUC": [("Bản chính giấy tờ, văn bản cần chứng thực", "")],
    "DAT_DAI": [("Giấy chứng nhận quyền sử dụng đất đã cấp", "GCN_QSDD"),
                ("Mảnh trích đo bản đồ địa chính thửa đất", "")],
    "XAY_DUNG": [("Giấy tờ chứng minh quyền sử dụng đất", "GCN_QSDD"),
                 ("Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng)", "")],
    "GIAO_THONG": [("Giấy khám sức khỏe của người lái xe do cơ sở y tế có thẩm quyền cấp",
                    "GIAY_KHAM_SUC_KHOE")],
    "DOANH_NGHIEP": [("Điều lệ công ty", ""), ("Danh sách thành viên hoặc cổ đông sáng lập", "")],
    "HO_KINH_DOANH": [("Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh",
                       "")],
    "BAO_TRO_XA_HOI": [("Giấy xác nhận khuyết tật (nếu có)", "GIAY_XAC_NHAN_KHUYET_TAT")],
    "NGUOI_CO_CONG": [("Bản sao giấy tờ chứng minh là người có công với cách mạng",
                       "HO_SO_NGUOI_CO_CONG")],
    "GIAO_DUC": [("Bản sao văn bằng, chứng chỉ hoặc học bạ", "VAN_BANG")],
    "Y_TE": [("Văn bằng chuyên môn phù hợp", "VAN_BANG"),
             ("Giấy xác nhận quá trình thực hành", "")],
    "LAO_DONG": [("Giấy chứng nhận sức khỏe", "GIAY_KHAM_SUC_KHOE"),
                 ("Phiếu lý lịch tư pháp", "PHIEU_LLTP")],
}
SECTOR_RESULTS = {
    "HO_TICH": "Trích lục hộ tịch", "CHUNG_THUC": "Giấy tờ, văn bản đã được chứng thực",
    "DAT_DAI": "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
    "DOANH_NGHIEP": "Giấy chứng nhận đăng ký doanh nghiệp",
    "HO_KINH_DOANH": "Giấy chứng nhận đăng ký hộ kinh doanh",
    "BAO_TRO_XA_HOI": "Quyết định của Chủ tịch Ủy ban nhân dân xã",
    "NGUOI_CO_CONG": "Quyết định giải quyết chế độ ưu đãi",
    "NOI_VU": "Quyết định khen thưởng hoặc văn bản chấp thuận",
    "THANH_TRA": "Quyết định giải quyết hoặc văn bản trả lời",
}
NAMED_RESULTS = {
    "Đăng ký khai sinh": "Giấy khai sinh (bản chính)",
    "Đăng ký kết hôn": "Giấy chứng nhận kết hôn",
    "Đăng ký khai tử": "Trích lục khai tử",
    "Đăng ký thành lập hộ kinh doanh": "Giấy chứng nhận đăng ký hộ kinh doanh",
}
# (minimum, maximum) working days by sector.
TIME_RANGES = {
    "HO_TICH": (1, 5), "CHUNG_THUC": (1, 2), "LY_LICH_TU_PHAP": (10, 10),
    "DAT_DAI": (10, 30), "XAY_DUNG": (15, 30), "GIAO_THONG": (3, 10), "DOANH_NGHIEP": (3, 3),
    "HO_KINH_DOANH": (3, 3), "DAU_TU": (10, 35), "THANH_TRA": (30, 45),
}


def _first_paper(name: str) -> dict:
    words = fold(name).split()
    lower = name[0].lower() + name[1:]
    if words[:1] == ["dang"] or words[:1] == ["thay"]:
        text = f"Tờ khai {lower} (theo mẫu)"
    elif words[:1] in (["thong"], ["khai"]):
        text = f"Văn bản {lower} (theo mẫu)"
    else:
        text = f"Đơn đề nghị {lower} (theo mẫu)"
    return {"name": text[:500], "is_required": True, "originals": 1, "copies": 0,
            "reusable_kind": ""}


# Civil-status papers that depend on the event rather than the sector.
EVENT_PAPERS = {
    "khai sinh": ("Giấy chứng sinh hoặc giấy tờ thay giấy chứng sinh", "GIAY_CHUNG_SINH"),
    "ket hon": ("Giấy xác nhận tình trạng hôn nhân (khi đăng ký ở nơi không cư trú)",
                "XN_TINH_TRANG_HON_NHAN"),
    "khai tu": ("Giấy báo tử hoặc giấy tờ thay thế giấy báo tử", "GIAY_BAO_TU"),
    "giam ho": ("Văn bản cử người giám hộ", ""),
    "cha, me, con": ("Văn bản, chứng cứ chứng minh quan hệ cha, mẹ, con", ""),
}


def components_for(rng: random.Random, sector: str, name: str) -> list[dict]:
    papers = [_first_paper(name)]
    folded = fold(name)
    event = next((paper for word, paper in EVENT_PAPERS.items() if word in folded), None)
    if sector == "HO_TICH" and event is not None:
        text, kind = event
        papers.append(CCCD)
        papers.append({"name": text, "is_required": True, "originals": 1, "copies": 0,
                       "reusable_kind": kind})
        return papers
    papers.append(ORGANISATION if sector in ORGANISATION_SECTORS and rng.random() < 0.7
                  else CCCD)
    for text, kind in SECTOR_PAPERS.get(sector, [])[: rng.randint(1, 2)]:
        papers.append({"name": text, "is_required": rng.random() < 0.8, "originals": 0,
                       "copies": 1, "reusable_kind": kind})
    return papers


def fees_for(rng: random.Random, sector: str, name: str) -> list[dict]:
    folded = fold(name)
    if sector == "HO_TICH":
        if name in ("Đăng ký khai sinh", "Đăng ký khai tử", "Đăng ký kết hôn"):
            return [{"kind": "charge", "name": "Lệ phí hộ tịch", "amount": 0,
                     "note": "Miễn lệ phí khi đăng ký đúng hạn"}]
        amount = 100000 if "nuoc ngoai" in folded else 8000
        return [{"kind": "charge", "name": "Lệ phí hộ tịch", "amount": amount, "note": ""}]
    if sector == "CHUNG_THUC":
        amount = 2000 if "ban sao" in folded else 10000 if "chu ky" in folded else 50000
        return [{"kind": "fee", "name": "Phí chứng thực", "amount": amount,
                 "note": "Tính theo trang hoặc theo việc"}]
    if sector == "LY_LICH_TU_PHAP":
        return [{"kind": "fee", "name": "Phí cung cấp thông tin lý lịch tư pháp",
                 "amount": 200000, "note": "Miễn cho người có công, trẻ em, người cao tuổi"}]
    if sector == "XAY_DUNG" and "giay phep" in folded:
        amount = 75000 if "nha o rieng le" in folded else 150000
        return [{"kind": "charge", "name": "Lệ phí cấp giấy phép xây dựng", "amount": amount,
                 "note": ""}]
    if sector in ("DOANH_NGHIEP", "HO_KINH_DOANH") and "dang ky" in folded:
        amount = 50000 if sector == "DOANH_NGHIEP" else 100000
        return [{"kind": "charge", "name": "Lệ phí đăng ký kinh doanh", "amount": amount,
                 "note": "Miễn khi đăng ký qua mạng điện tử"}]
    if sector in ("NGUOI_CO_CONG", "BAO_TRO_XA_HOI", "THANH_TRA", "NOI_VU", "TON_GIAO"):
        return []
    if rng.random() < 0.55:
        kind = rng.choice(("fee", "charge"))
        label = "Phí thẩm định" if kind == "fee" else "Lệ phí cấp"
        amount = rng.choice((50000, 100000, 150000, 200000, 300000, 500000, 1000000))
        return [{"kind": kind, "name": label, "amount": amount, "note": ""}]
    return []


def results_for(rng: random.Random, sector: str, name: str) -> list[dict]:
    folded = fold(name)
    if name in NAMED_RESULTS:
        text = NAMED_RESULTS[name]
    elif folded.startswith(("cap lai ", "cap doi ")):
        rest = name.split(" ", 2)[2]
        text = rest[0].upper() + rest[1:] + " (cấp lại)"
    elif folded.startswith("cap "):
        rest = name.split(" ", 1)[1]
        text = rest[0].upper() + rest[1:]
    else:
        text = SECTOR_RESULTS.get(sector, "Văn bản chấp thuận hoặc quyết định giải quyết")
    return [{"name": text[:500], "is_electronic": rng.random() < 0.85}]


def time_for(rng: random.Random, sector: str, name: str) -> tuple[Decimal, str]:
    folded = fold(name)
    if sector == "CHUNG_THUC" and ("ban sao" in folded or "chu ky" in folded):
        return Decimal(4), "working_hours"
    if name in ("Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử"):
        return Decimal(1), "working_days"
    if sector == "THANH_TRA" and not folded.startswith("tiep"):
        return Decimal(rng.choice((30, 45))), "calendar_days"
    low, high = TIME_RANGES.get(sector, (5, 20))
    days = rng.randint(low, high)
    if rng.random() < 0.04:
        return Decimal(days), "calendar_days"
    if days > 2 and rng.random() < 0.05:
        return Decimal(days) - Decimal("0.5"), "working_days"
    return Decimal(days), "working_days"
