"""Catalogue documents for the import tests, in the JSON shape."""

import copy
import json


def procedure(code: str, name: str, agencies, *, sector="HO_TICH", steps=(10, 70, 20),
              amount=8000) -> dict:
    return {
        "code": code, "name": name, "sector": sector,
        "version": {
            "agencies": list(agencies), "at_commune": True, "processing_time": 5,
            "time_unit": "working_days", "online_level": "full",
            "legal_effective_date": "2025-07-01", "publication_decision_no": "1234/QĐ-UBND",
            "components": [
                {"name": "Tờ khai theo mẫu", "is_required": True, "originals": 1,
                 "copies": 0},
                {"name": "Căn cước công dân", "reusable_kind": "CCCD", "is_required": True,
                 "originals": 0, "copies": 1},
            ],
            "fees": [{"kind": "charge", "name": "Lệ phí", "basis": "fixed", "amount": amount}],
            "results": [{"name": "Trích lục", "is_electronic": True}],
            "processes": [{
                "agency": None, "name": "Quy trình cấp xã",
                "steps": [{"name": f"Bước {i}", "role": "specialist", "share": share}
                          for i, share in enumerate(steps, start=1)],
            }],
        },
    }


def document(agencies, count=3) -> dict:
    names = ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Cấp bản sao trích lục",
             "Đăng ký giám hộ"]
    return {
        "format": "tinhso.catalog",
        "sectors": [{"code": "HO_TICH", "name": "Hộ tịch"}],
        "procedures": [procedure(f"1.00{1000 + i}", names[i % len(names)] + (
            f" {i}" if i >= len(names) else ""), agencies) for i in range(count)],
    }


def dumps(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def changed(doc: dict, edit) -> dict:
    doc = copy.deepcopy(doc)
    edit(doc)
    return doc
