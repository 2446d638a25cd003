"""Convert two public copies of Vietnam's national TTHC database into one tinhso catalogue file.

    python tools/national_catalogue/convert.py /tmp/tthc-raw \
        src/tinhso/catalog/data/national/procedures.json.xz

Source A: Word exports of thutuc.dichvucong.gov.vn (kp69_thutuc_docx/, crawled Nov-Dec 2025).
Source B: detail JSON of the 2026 dichvucong.gov.vn API (opengov_dvcqg_api/, crawled Jul 2026).
B wins when a code is in both (it is newer). Only procedures done at province or commune level
are kept. Standard library only; the output is deterministic (sorted, no clock). Every rule is
described in README.md next to this file.
"""

from __future__ import annotations

import collections
import datetime as dt
import glob
import hashlib
import json
import lzma
import os
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile

SOURCE_LINE = (
    "A: Word exports of thutuc.dichvucong.gov.vn (GitHub anhtuan159801/facebook-chatbot_KP69 "
    "@ea7cd5b1, crawled 2025-11-27..2025-12-02); B: dichvucong.gov.vn API details (GitHub "
    "VoidKeishi/OpenGOV @feccba6e, crawled 2026-07-18); B wins when a code is in both"
)
CODE_RE = re.compile(r"^\d\.\d{6}(\.\d{3}(\.\d{2}\.\d{2})?)?(\.[A-Z]\d{2}(\.\d{1,3})?)?$")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
VN = dt.timezone(dt.timedelta(hours=7))  # B's dates are epoch ms; the decisions are dated in VN.
POPULATION_DB = "co so du lieu quoc gia ve dan cu"
NO_INFO = "Không có thông tin"


# --- Text helpers.


def fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), for matching only."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def clean(text) -> str:
    """Strip, collapse runs of spaces, keep line breaks; the portal's "no data" becomes ""."""
    if text is None:
        return ""
    lines = [re.sub(r"[ \t\u00a0\u200b]+", " ", line).strip()
             for line in str(text).replace("\r", "\n").split("\n")]
    out = "\n".join(line for line in lines if line)
    return "" if out.strip(" .") == NO_INFO else out


def one_line(text) -> str:
    return re.sub(r"\s+", " ", clean(text)).strip()


# --- Times.

UNIT_WORDS = [  # longest first: "ngày làm việc" before "ngày"
    ("ngay lam viec", "working_days"), ("gio lam viec", "working_hours"),
    ("ngay", "calendar_days"), ("gio", "working_hours"), ("thang", "months"),
]
B_UNITS = {"WORKING_DAY": "working_days", "DAY": "calendar_days", "HOUR": "working_hours",
           "MONTH": "months"}
UNIT_LABEL = {"working_days": "ngày làm việc", "calendar_days": "ngày",
              "working_hours": "giờ làm việc", "months": "tháng"}
_NUM = r"(\d+(?:[.,]\d+)?)"
_UNIT = r"(ngay lam viec|gio lam viec|ngay|gio|thang)"


def _number(text: str) -> float | int | None:
    value = float(text.replace(",", "."))
    if value <= 0 or value > 99999.9:  # the importer takes 0 < t <= 99999.9 only
        return None
    return int(value) if value == int(value) else round(value, 1)


def parse_time(text: str) -> tuple[float | int | None, str | None]:
    """'07 Ngày làm việc' -> (7, working_days); free text only when exactly one number+unit.

    Dates ("trước ngày 15 tháng 12", "ngày 20/6") and period words are not durations, so
    they are removed first; two different durations ("3 ngày; trường hợp xác minh 10 ngày")
    are ambiguous and give (None, None)."""
    f = fold(one_line(text))
    if not f:
        return None, None
    m = re.fullmatch(_NUM + r"\s*" + _UNIT + r"\.?", f)
    if m:
        number = _number(m.group(1))
        return (number, dict(UNIT_WORDS)[m.group(2)]) if number else (None, None)
    f = re.sub(r"ngay\s+\d{1,2}\s*(thang\s*\d{1,2}|/\s*\d{1,2})", " ", f)  # a date
    f = re.sub(r"\d{1,2}/\d{1,2}(/\d{2,4})?", " ", f)
    if re.search(r"truoc ngay|cham nhat|hang nam|hang quy|hang thang|theo ke hoach", f):
        return None, None
    found = set()
    for m in re.finditer(_NUM + r"\s*(?:\([^)]*\)\s*)?" + _UNIT + r"\b", f):
        number = _number(m.group(1))
        if number is None:
            return None, None
        found.add((number, dict(UNIT_WORDS)[m.group(2)]))
    return found.pop() if len(found) == 1 else (None, None)


# --- Fees.

KIND_LABEL = {"fee": "Phí", "charge": "Lệ phí", "price": "Giá"}
MONEY = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?![\d.,]\d)\s*"
                   r"(?:đồng|đ|vnđ|vnd|usd)?\s*(?:/\s*([^\W\d_][^,;:()+]{0,40}))?", re.I)
# "/hồ sơ" and similar are per dossier (one per application): a fixed amount, not per unit.
FIXED_PER = ("ho so", "bo ho so", "lan", "luot", "thu tuc", "giay phep", "giay chung nhan",
             "gcn", "chung chi", "the", "ho chieu", "giay thong hanh", "truong hop", "van ban",
             "quyet dinh", "yeu cau", "don", "to khai")
FREE_WORDS = re.compile(r"mien phi|khong thu|mien thu|khong phai nop|mien le phi")
RESOLUTION_WORDS = re.compile(r"hoi dong nhan dan|hdnd")
PERIOD = re.compile(r"(?:(?:ke )?tu ngay (\d{1,2})/(\d{1,2})/(\d{4})\s*)?"
                    r"den (?:het )?ngay (\d{1,2})/(\d{1,2})/(\d{4})")
FEE_NAME = re.compile(r"(?<![\wÀ-ỹ])(lệ phí|phí|giá dịch vụ)\s+([^\W\d][^,;:.()\n]{2,80})", re.I)
NAME_STOP = re.compile(r"(\s(theo|thì|tại|là|được|khi|cho|đối với|không|quy định|bằng|gồm|"
                       r"do|và|hoặc|của|nộp|thu|với|trong|từ|đến|cụ thể|hiện hành|"
                       r"thực hiện|ban hành|đồng|áp dụng|mức|phải|trường hợp|như|kèm|"
                       r"tương ứng)\b|\s?[\d\-–]).*", re.I)


def _int(text: str) -> int:
    return int(text.replace(".", ""))


def money_amounts(text: str) -> list[int]:
    """Amounts written as money (50.000 đồng, 50.000đ, 1.200.000 VNĐ) in a note."""
    return [_int(m.group(1)) for m in re.finditer(
        r"(?<![\d.,/])(\d{1,3}(?:\.\d{3})+|\d{4,})\s*(?:đồng|đ\b|vnđ|vnd)", text, re.I)]


def _date(d: str, m: str, y: str) -> str | None:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def fee_validity(amount: int | None, note: str) -> tuple[str | None, str | None]:
    """A stated period belongs to the row only when the note names one period, no percentage
    (a "giảm 50%"/"bằng 50%" period is about another, reduced amount) and no other amount."""
    f = fold(note)
    periods = PERIOD.findall(f)
    if len(periods) != 1 or "%" in note:
        return None, None
    if any(a != amount for a in money_amounts(note)):
        return None, None
    p = periods[0]
    start = _date(p[0], p[1], p[2]) if p[2] else None
    return start, _date(p[3], p[4], p[5])


def fee_name(kind: str, *texts: str) -> str:
    """A short label: "Lệ phí đăng ký cư trú" when the text names it, else "Phí"/"Lệ phí"."""
    want = {"fee": "phí", "charge": "lệ phí", "price": "giá dịch vụ"}[kind]
    for text in texts:
        for m in FEE_NAME.finditer(text or ""):
            if m.group(1).lower() != want:
                continue
            rest = NAME_STOP.sub("", " " + m.group(2)).strip(" -+*")
            if len(rest) >= 3 and 2 <= len(rest.split()) <= 10:
                name = f"{want} {rest}"
                return name[0].upper() + name[1:]
    return KIND_LABEL[kind]


def fee_amount(amount_text: str, note: str, value: int | None = None) -> dict:
    """The basis, amount, unit and rate of one fee row.

    amount_text is A's amount cell ("20.000", "Miễn phí", "", "Phí thẩm định: 2.200.000
    đồng/lần"); value is B's number (None when B leaves it empty)."""
    a = one_line(amount_text)
    fa, fn = fold(a), fold(note)
    out = {"basis": "resolution", "amount": None, "unit": "", "rate": None}
    if value is None and a:
        if "%" in a:
            rates = re.findall(r"(\d+(?:[.,]\d+)?)\s*%", a)
            if len(set(rates)) == 1:
                rate = float(rates[0].replace(",", "."))
                if 0 < rate <= 100:
                    out.update(basis="percent", rate=int(rate) if rate == int(rate) else rate)
                    return out
        if FREE_WORDS.search(fa):
            out.update(basis="fixed", amount=0)
            return out
        found = [m for m in MONEY.finditer(a) if m.group(1)]
        if len({_int(m.group(1)) for m in found}) == 1:
            value = _int(found[0].group(1))
        elif not found:
            return out  # words only ("Theo quy định…"): left to the regulation
        else:
            return out  # several amounts in one cell: not one number
    if value is None:
        return out
    if value == 0:
        # The 2026 portal writes 0 where the amount is in the text; 0 is "free" only when
        # nothing else is said or the text says so.
        if not fn.strip() or FREE_WORDS.search(fn) or FREE_WORDS.search(fa):
            out.update(basis="fixed", amount=0)
        return out
    out.update(basis="fixed", amount=value)
    unit = per_unit(value, a) or per_unit(value, note)
    if unit:
        out.update(basis="per_unit", unit=unit)
    return out


def per_unit(amount: int, text: str) -> str:
    """The unit when the text writes this amount per something other than a dossier:
    "8.000 đồng/bản" -> "bản"; "2.200.000 đồng/lần thẩm định/hồ sơ" -> "" (fixed)."""
    for m in MONEY.finditer(text):
        if not m.group(1) or not m.group(2) or _int(m.group(1)) != amount:
            continue
        raw = re.split(r"\.(?:\s|$)|\s+-\s|\n|File đính kèm", m.group(2))[0]
        for piece in raw.split("/"):
            unit = re.sub(r"^\d+\s+", "", one_line(piece)).strip(" -.")
            fu = fold(unit)
            if not re.match(r"[a-z]", fu):
                break  # "299/2016": a document number, not a unit
            if not any(fu == w or fu.startswith(w + " ") for w in FIXED_PER):
                return unit[:100]
        return ""
    return ""


def parse_a_fee(line: str) -> dict:
    """'Phí : 20.000 Đồng (note)' / 'Lệ phí :  Đồng (note)' / 'Mức giá : …' -> parts."""
    line = clean(line)
    attach = ""
    m = re.search(r"\n?File đính kèm:.*$", line, re.S)
    if m:  # the crawler appends the attachment's file name after the note
        attach, line = one_line(m.group(0)), line[:m.start()].strip()
    m = re.match(r"^(Phí|Lệ phí|Mức giá)\s*:\s*(.*)$", line, re.S)
    label, rest = (m.group(1), m.group(2)) if m else ("Phí", line)
    kind = {"Phí": "fee", "Lệ phí": "charge", "Mức giá": "price"}[label]
    m = (re.match(r"^(.*?)\s*\b(Đồng|USD)\s*\((.*)\)\s*$", rest, re.S)
         or re.match(r"^(.*?)\s*(\bĐồng|\bUSD)?\s*(?:\((.*)\))?\s*$", rest, re.S))
    amount_text, currency, note = m.group(1), m.group(2), m.group(3) or ""
    note = clean(note)
    if attach:
        note = f"{note}\n{attach}".strip()
    return {"kind": kind, "amount_text": amount_text.strip(),
            "currency": "USD" if currency == "USD" or re.search(r"\bUSD\b", amount_text)
            else "VND", "note": note}


# --- A: the Word files.


def ptext(p) -> str:
    out = []
    for e in p.iter():
        if e.tag == W + "t":
            out.append(e.text or "")
        elif e.tag in (W + "br", W + "cr"):
            out.append("\n")
        elif e.tag == W + "tab":
            out.append(" ")
    return "".join(out)


def docx_blocks(path: str) -> list:
    """Body paragraphs and tables in order; the tables keep their cells (the flat paragraph
    text loses which cell a line came from, e.g. a time cell from a description cell)."""
    # The files are local copies of the portal's own export; no DTDs or entities in them.
    root = ET.fromstring(zipfile.ZipFile(path).read("word/document.xml"))  # noqa: S314
    out = []
    for child in root.find(W + "body"):
        if child.tag == W + "p":
            text = ptext(child).strip()
            if text:
                out.append(("p", text))
        elif child.tag == W + "tbl":
            rows = []
            for tr in child.iter(W + "tr"):
                rows.append([[t for t in (ptext(p).strip() for p in tc.iter(W + "p")) if t]
                             for tc in tr.findall(W + "tc")])
            out.append(("tbl", rows))
    return out


FIELDS = ["Mã thủ tục", "Số quyết định", "Tên thủ tục", "Cấp thực hiện", "Loại thủ tục",
          "Lĩnh vực", "Trình tự thực hiện", "Cách thức thực hiện", "Thành phần hồ sơ",
          "Đối tượng thực hiện", "Cơ quan thực hiện", "Cơ quan có thẩm quyền",
          "Địa chỉ tiếp nhận HS", "Cơ quan được ủy quyền", "Cơ quan phối hợp",
          "Kết quả thực hiện", "Căn cứ pháp lý", "Yêu cầu, điều kiện thực hiện", "Từ khóa",
          "Mô tả"]
FIELD_RE = re.compile(r"^(" + "|".join(re.escape(f) for f in FIELDS) + r")\s*:\s*(.*)$", re.S)
CHANNELS_A = {"Trực tiếp": "desk", "Trực tuyến": "online", "Dịch vụ bưu chính": "post"}
# Component group headings that group papers without being a case the applicant chooses.
GENERIC_GROUP = re.compile(
    r"^\W*(bao gom|thanh phan ho so( bao gom)?|ho so (bao )?gom|giay to phai (nop|xuat trinh)|"
    r"luu y|\d+ bo ho so|so luong( bo)? ho so\W*\d+ bo)?\W*$")
TABLE_HEADS = {"Hình thức nộp", "Thời hạn giải quyết", "Phí, lệ phí", "Mô tả"}


def read_a_sections(blocks: list) -> dict:
    """Label -> {"text": [paragraphs], "items": [paragraphs and tables in order]}."""
    sections: dict = {}
    current = None
    for kind, value in blocks:
        if kind == "p":
            m = FIELD_RE.match(value)
            if m:
                current = sections.setdefault(m.group(1), {"text": [], "items": []})
                if m.group(2).strip():
                    current["text"].append(m.group(2).strip())
                    current["items"].append(("p", m.group(2).strip()))
                continue
            if value.startswith("Để xem chi tiết thủ tục hành chính"):
                current = None  # the crawler's trailing link
                continue
        if current is None:
            continue
        if kind == "p":
            current["text"].append(value)
        current["items"].append((kind, value))
    return sections


def a_field(sections: dict, label: str) -> str:
    return clean("\n".join(sections.get(label, {}).get("text", [])))


def split_results(text: str) -> list[str]:
    """'A, B, C' -> names; split only on ", " before an upper-case letter (names contain
    commas: "Phiếu từ chối tiếp nhận, giải quyết hồ sơ")."""
    parts = re.split(r",\s+(?=[A-ZÀ-ỸĐ])", one_line(text))
    return [p.strip(" ,;") for p in parts if p.strip(" ,;")]


def legal_a(section: dict) -> list[dict]:
    rows = []
    for kind, value in section.get("items", []) if section else []:
        if kind != "tbl":
            continue
        for row in value[1:]:
            cells = [one_line(" ".join(c)) for c in row] + ["", "", "", ""]
            if cells[0] or cells[1]:
                rows.append({"number": cells[0], "title": cells[1], "date": cells[2],
                             "issuer": cells[3]})
    return rows


def legal_line(doc: dict) -> str:
    extra = ", ".join(x for x in (doc.get("date"), doc.get("issuer")) if x)
    head = " — ".join(x for x in (doc["number"], doc["title"]) if x)
    return f"{head} ({extra})" if extra else head


def case_name(heading: str) -> str:
    return one_line(heading).lstrip("*-+• ").rstrip(" :").strip()


def is_required(name: str, group: str = "") -> bool:
    """Neither source states it usefully (A has no column, B says false for every paper);
    a paper is required unless it says "(nếu có)", or it is a note ("Lưu ý" as its heading or
    its first words)."""
    return ("neu co" not in fold(name) and not re.match(r"^\W*luu y", fold(group))
            and not re.match(r"^\W*luu y", fold(name)))


def parse_qty(text: str) -> tuple[int, int, bool]:
    m = re.search(r"Bản chính:\s*(\d*)\s*Bản sao:\s*(\d*)", text)
    if not m:
        return 0, 0, False
    return int(m.group(1) or 0), int(m.group(2) or 0), bool(m.group(1) and m.group(2))


def components_a(section: dict) -> tuple[list[str], list[dict], int]:
    """Cases (named component groups) and components; the third value counts quantity cells
    with a blank number (read as 0)."""
    cases: list[str] = []
    comps: list[dict] = []
    heading: list[str] = []
    blanks = 0
    for kind, value in section.get("items", []) if section else []:
        if kind == "p":
            heading.append(value)
            continue
        group = "\n".join(heading)
        heading = []
        name = case_name(group)
        case = None
        if name and not GENERIC_GROUP.match(fold(name)):
            if name not in cases:
                cases.append(name)
            case = cases.index(name) + 1
        for row in value[1:]:
            cells = [*row, [], [], []]
            comp_name = clean("\n".join(cells[0]))
            if not comp_name:
                continue
            originals, copies, complete = parse_qty(" ".join(cells[2]))
            blanks += not complete
            comps.append({"case": case, "name": comp_name,
                          "is_required": is_required(comp_name, group),
                          "originals": originals, "copies": copies,
                          "template_name": one_line("; ".join(cells[1]))[:500],
                          "reusable_kind": ""})
    return cases, comps, blanks


def channels_a(section: dict) -> list[dict]:
    """One row per line of the "Cách thức thực hiện" table."""
    out = []
    for kind, value in section.get("items", []) if section else []:
        if kind != "tbl" or not value or value[0][:1] != [["Hình thức nộp"]]:
            continue
        for row in value[1:]:
            cells = [*row, [], [], [], []]
            channel = CHANNELS_A.get(one_line(" ".join(cells[0])))
            if channel is None:
                continue
            desc = [t for t in cells[3] if t not in TABLE_HEADS]
            out.append({"channel": channel, "time_text": clean("\n".join(cells[1])),
                        "fees": [parse_a_fee(f) for f in cells[2]],
                        "description": clean("\n".join(desc))})
    return out


def read_a(root: str, stats: collections.Counter) -> dict[str, dict]:
    """code -> raw A record. A code crawled into several ministry folders keeps the copy with
    the most text (some copies are truncated exports)."""
    paths = sorted(glob.glob(os.path.join(root, "kp69_thutuc_docx", "**", "*.doc*"),
                             recursive=True))
    best: dict[str, tuple[int, str, dict]] = {}
    for path in paths:
        if not path.endswith((".doc", ".docx")):
            continue
        stats["A files"] += 1
        stats["A .doc files"] += path.endswith(".doc")
        try:
            blocks = docx_blocks(path)
        except (zipfile.BadZipFile, KeyError, ET.ParseError):
            stats["A files unreadable"] += 1
            continue
        sections = read_a_sections(blocks)
        code = one_line(a_field(sections, "Mã thủ tục"))
        if not code:
            stats["A files without code"] += 1
            continue
        size = sum(len(v) if k == "p" else len(json.dumps(v)) for k, v in blocks)
        if code not in best or size > best[code][0]:
            best[code] = (size, path, sections)
    stats["A codes"] = len(best)
    return {code: {"path": path, "sections": sections}
            for code, (_, path, sections) in best.items()}


# --- Time rows shared by both sources.


def tie_case(text: str, cases: list[str]) -> int | None:
    """The case whose name the description quotes (longest match), if any."""
    f = fold(one_line(text))
    best = None
    for i, name in enumerate(cases, start=1):
        key = fold(case_name(name))
        if len(key) >= 10 and key in f and (best is None or len(key) > best[1]):
            best = (i, len(key))
    return best[0] if best else None


def build_times(rows: list[dict], cases: list[str], by_order: bool,
                stats: collections.Counter) -> list[dict]:
    """rows: {channel, time, unit, time_text, note, fees}; sets row["case"] and returns the
    time rows, one per (case, channel)."""
    per_channel = collections.defaultdict(list)
    for row in rows:
        per_channel[row["channel"]].append(row)
    for channel_rows in per_channel.values():
        for row in channel_rows:
            row["case"] = None
        if len(channel_rows) < 2 or not cases:
            continue
        tied = [tie_case(r["note"], cases) for r in channel_rows]
        if None not in tied and len(set(tied)) == len(tied):
            for r, c in zip(channel_rows, tied, strict=True):
                r["case"] = c
            stats["time rows tied to a case by text"] += len(tied)
        elif by_order and len(channel_rows) == len(cases):
            for i, r in enumerate(channel_rows, start=1):
                r["case"] = i
            stats["time rows tied to a case by order"] += len(tied)
    out: dict[tuple, dict] = {}
    for row in rows:
        key = (row["case"], row["channel"])
        text = row["time_text"]
        # An unparsed time keeps its words in the note.
        note = f"{text}\n{row['note']}".strip() if row["time"] is None and text else row["note"]
        if key not in out:
            out[key] = {"case": row["case"], "channel": row["channel"],
                        "processing_time": row["time"], "time_unit": row["unit"],
                        "note": note, "_texts": [(row, note)]}
            continue
        merged = out[key]
        merged["_texts"].append((row, note))
        if (merged["processing_time"], merged["time_unit"]) != (row["time"], row["unit"]):
            merged["processing_time"] = merged["time_unit"] = None
            merged["_differ"] = True
    result = []
    for t in out.values():
        texts = t.pop("_texts")
        if len(texts) > 1:
            stats["time rows merged (same case and channel)"] += len(texts)
            if t.pop("_differ", False):
                stats["merged time rows whose times differ (time left null)"] += 1
                parts = []
                for row, _ in texts:
                    head = (f"{row['time']:g} {UNIT_LABEL[row['unit']]}" if row["time"]
                            else row["time_text"] or "không ghi thời hạn")
                    parts.append(f"{head}: {row['note']}".strip(": "))
                t["note"] = "\n".join(dict.fromkeys(parts))
            else:
                t["note"] = "\n".join(dict.fromkeys(n for _, n in texts if n))
        result.append(t)
    return result


def general_time(times: list[dict]) -> tuple:
    """The desk channel's time (else the first channel's) when all its rows agree."""
    if not times:
        return None, None
    channel = "desk" if any(t["channel"] == "desk" for t in times) else times[0]["channel"]
    pairs = {(t["processing_time"], t["time_unit"]) for t in times if t["channel"] == channel}
    if len(pairs) == 1:
        return pairs.pop()
    return None, None


def group_fees(fees: list[dict]) -> None:
    """Rows of one kind in one (case, channel) are alternatives: one non-zero group each."""
    buckets = collections.defaultdict(list)
    for fee in fees:
        buckets[(fee["case"], fee["channel"], fee["kind"])].append(fee)
    number = 0
    for key in buckets:  # insertion order: deterministic
        rows = buckets[key]
        if len(rows) > 1:
            number += 1
            for fee in rows:
                fee["group"] = number
        else:
            rows[0]["group"] = 0


def make_fee(case, channel, kind, name, parts, currency, note) -> dict:
    start, until = fee_validity(parts["amount"], note)
    return {"case": case, "channel": channel, "kind": kind, "name": name[:500],
            "basis": parts["basis"], "amount": parts["amount"], "currency": currency,
            "unit": parts["unit"], "rate": parts["rate"], "group": 0, "valid_from": start,
            "valid_until": until, "note": note}


# --- Converting one record of each source.


def convert_a(code: str, raw: dict, stats: collections.Counter, legal_index: dict) -> dict:
    s = raw["sections"]
    levels = a_field(s, "Cấp thực hiện")
    cases, components, blanks = components_a(s.get("Thành phần hồ sơ"))
    stats["A components with a blank quantity (read as 0)"] += blanks
    rows = []
    for ch in channels_a(s.get("Cách thức thực hiện")):
        time, unit = parse_time(ch["time_text"])
        rows.append({"channel": ch["channel"], "time": time, "unit": unit,
                     "time_text": ch["time_text"], "note": ch["description"],
                     "fees": ch["fees"]})
    times = build_times(rows, cases, True, stats)
    fees, seen = [], set()
    for row in rows:
        for f in row["fees"]:
            if not f["amount_text"] and not f["note"] and f["currency"] == "VND":
                stats["A fee lines with no amount and no note (skipped)"] += 1
                continue
            parts = fee_amount(f["amount_text"], f["note"])
            note = f["note"]
            if parts["basis"] == "resolution" and f["amount_text"]:
                note = f"{f['amount_text']}\n{note}".strip()  # keep the words of the cell
            fee = make_fee(row["case"], row["channel"], f["kind"],
                           fee_name(f["kind"], f["amount_text"], f["note"]), parts,
                           f["currency"], note)
            key = json.dumps(fee, sort_keys=True, ensure_ascii=False)
            if key not in seen:  # merged channel rows repeat the same fee lines
                seen.add(key)
                fees.append(fee)
    group_fees(fees)
    legal = legal_a(s.get("Căn cứ pháp lý"))
    results = [{"name": n, "code": "", "template_name": "", "is_electronic": False}
               for n in split_results(a_field(s, "Kết quả thực hiện"))]
    time, unit = general_time(times)
    version = {
        "agencies": [],
        "at_province": "Cấp Tỉnh" in levels, "at_commune": "Cấp Xã" in levels,
        "at_ministry": "Cấp Bộ" in levels, "at_other": "Cơ quan khác" in levels,
        "processing_time": time, "time_unit": unit,
        "online_level": "partial" if any(r["channel"] == "online" for r in rows) else "none",
        "uses_population_data": False,
        "content_complete": False,
        "legal_basis": "\n".join(legal_line(d) for d in legal),
        "legal_effective_date": None,
        "publication_decision_no": one_line(a_field(s, "Số quyết định"))[:100],
        "publication_decision_date": None, "public_posting_date": None,
        "description": a_field(s, "Trình tự thực hiện"),
        "implementing_body": a_field(s, "Cơ quan thực hiện"),
        "competent_authority": a_field(s, "Cơ quan có thẩm quyền"),
        "coordinating_bodies": a_field(s, "Cơ quan phối hợp"),
        "reception_address": a_field(s, "Địa chỉ tiếp nhận HS"),
        "subjects": a_field(s, "Đối tượng thực hiện"),
        "conditions": a_field(s, "Yêu cầu, điều kiện thực hiện"),
        "related_procedures": "",
        "cases": [{"number": i, "name": n} for i, n in enumerate(cases, start=1)],
        "components": components, "times": times, "fees": fees, "results": results,
        "processes": [],
    }
    return {"code": code, "name": one_line(a_field(s, "Tên thủ tục")),
            "_sector": (one_line(a_field(s, "Lĩnh vực")), None), "version": version,
            "_levels": levels, "_source": "A"}


def ms_date(value) -> str | None:
    if not value:
        return None
    return dt.datetime.fromtimestamp(value / 1000, VN).date().isoformat()


def names(items) -> str:
    return "; ".join(dict.fromkeys(one_line(i.get("name")) for i in items or []
                                   if one_line(i.get("name"))))


def convert_b(d: dict, stats: collections.Counter, legal_index: dict) -> dict:
    cases: list[str] = []
    components = []
    for group in d.get("executionCases") or []:
        name = case_name(group.get("name") or "")
        case = None
        if name and not GENERIC_GROUP.match(fold(name)):
            if name not in cases:
                cases.append(name)
            case = cases.index(name) + 1
        for p in group.get("profileComponents") or []:
            comp_name = clean(p.get("name"))
            if not comp_name:
                continue
            files = [one_line(a.get("fileName")) for a in p.get("attachments") or []]
            components.append({
                "case": case, "name": comp_name,
                "is_required": is_required(comp_name, group.get("name") or ""),
                "originals": int(p.get("originalQty") or 0), "copies": int(p.get("copyQty") or 0),
                "template_name": "; ".join(f for f in files if f)[:500], "reusable_kind": ""})
    channel_of = {"DIRECT": "desk", "ONLINE": "online", "POSTAL": "post"}
    rows = []
    for m in d.get("executionMethods") or []:
        unit = B_UNITS.get(m.get("processingTimeUnit"))
        raw_time = m.get("processingTime")
        if unit is None and raw_time:
            # "OTHER": B's cases[] may state the same number with its unit; one unit only.
            stated = {B_UNITS.get((c.get("processingDay") or {}).get("type"))
                      for c in d.get("cases") or []
                      if (c.get("processingDay") or {}).get("qty") == raw_time}
            stated.discard(None)
            if len(stated) == 1:
                unit = stated.pop()
                stats["B OTHER time units taken from cases[]"] += 1
        time = _number(str(raw_time)) if raw_time not in (None, "") and unit else None
        text = ""
        if time is None:
            stats["B time rows without a usable time"] += 1
            text = f"{raw_time if raw_time is not None else ''} ({m.get('processingTimeUnit')})"
            text = "Thời hạn theo nguồn: " + text.strip()
            unit = None
        rows.append({"channel": channel_of[m["submissionMethod"]], "time": time, "unit": unit,
                     "time_text": text, "note": clean(m.get("description")),
                     "fees": m.get("fees") or []})
    times = build_times(rows, cases, False, stats)
    fees, seen = [], set()
    for row in rows:
        for f in row["fees"]:
            note = clean(f.get("description"))
            lead = fold(note[:10])
            kind = ("charge" if lead.startswith("le phi") else "fee" if lead.startswith("phi")
                    else {"FEE": "fee", "SERVICE_FEE": "charge", "PRICE_LEVEL": "price"}
                    .get(f.get("type"), "fee"))
            value = f.get("value")
            parts = fee_amount("", note, int(value) if value is not None else None)
            currency = "USD" if (f.get("currencyName") or "").upper() == "USD" else "VND"
            fee = make_fee(row["case"], row["channel"], kind, fee_name(kind, note), parts,
                           currency, note)
            key = json.dumps(fee, sort_keys=True, ensure_ascii=False)
            if key not in seen:
                seen.add(key)
                fees.append(fee)
    group_fees(fees)
    legal = []
    for item in d.get("legalBasisesDetails") or []:
        number, title = one_line(item.get("code")), one_line(item.get("name"))
        known = legal_index.get(number, {})
        legal.append({"number": number, "title": title, "date": known.get("date", ""),
                      "issuer": known.get("issuer", "")})
    results = [{"name": one_line(r.get("name")), "code": one_line(r.get("code"))[:100],
                "template_name": "", "is_electronic": False}
               for r in d.get("resultsDetails") or [] if one_line(r.get("name"))]
    steps = []
    for step in d.get("executionSteps") or []:
        steps.append(clean("\n".join(x for x in (step.get("name"), step.get("description"))
                                     if x)))
    proposal = d.get("procedureProposal") or {}
    category = (d.get("categoriesDetails") or [None])[0] or d.get("category") or {}
    has_online = any(r["channel"] == "online" for r in rows)
    time, unit = general_time(times)
    version = {
        "agencies": [],
        "at_province": bool(d.get("isProvince")), "at_commune": bool(d.get("isWard")),
        "at_ministry": bool(d.get("isMinistry")), "at_other": bool(d.get("isOtherAgency")),
        "processing_time": time, "time_unit": unit,
        "online_level": "full" if d.get("isFullProcess") and has_online
        else "partial" if has_online else "none",
        "uses_population_data": False, "content_complete": False,
        "legal_basis": "\n".join(legal_line(x) for x in legal),
        "legal_effective_date": None,
        "publication_decision_no": one_line(proposal.get("proposalNumber")
                                            or d.get("decisionNo"))[:100],
        "publication_decision_date": ms_date(proposal.get("decisionDate")),
        "public_posting_date": ms_date(proposal.get("publicationDate")),
        "description": "\n".join(s for s in steps if s),
        "implementing_body": clean(d.get("executingAgencies"))
        or names(d.get("departmentsExecuting")),
        "competent_authority": names(d.get("departmentsAuthority"))
        or clean(d.get("delegatedAgencies")),
        "coordinating_bodies": clean(d.get("coordinatingAgencies"))
        or names(d.get("departmentsCoordinating")),
        "reception_address": clean(d.get("dossierReceivingAddresses")),
        "subjects": names(d.get("subjectTypesDetails")),
        "conditions": clean(d.get("requirementsAndConditions")),
        "related_procedures": "",
        "cases": [{"number": i, "name": n} for i, n in enumerate(cases, start=1)],
        "components": components, "times": times, "fees": fees, "results": results,
        "processes": [],
    }
    return {"code": one_line(d.get("code")), "name": one_line(d.get("name")),
            "_sector": (one_line(category.get("name")), one_line(category.get("code")) or None),
            "version": version, "_source": "B"}


# --- Whole run.


def sector_code(name: str, source_code: str | None) -> str:
    if source_code:
        code = re.sub(r"[^A-Z0-9]+", "_", fold(source_code).upper()).strip("_")
        if code:
            return code[:30]
    words = re.findall(r"[a-z0-9]+", fold(name))
    initials = "".join(w[0] for w in words).upper()[:12] or "LV"
    digest = hashlib.sha256(fold(name).encode()).hexdigest()[:6].upper()
    return f"LV_{initials}_{digest}"


def finish(proc: dict, stats: collections.Counter) -> None:
    v = proc["version"]
    text = json.dumps(proc, ensure_ascii=False)
    v["uses_population_data"] = POPULATION_DB in fold(text)
    v["content_complete"] = bool(v["components"] and v["results"] and any(
        t["processing_time"] is not None for t in v["times"]))


def sanity(proc: dict, flags: list) -> None:
    for fee in proc["version"]["fees"]:
        if fee["basis"] not in ("fixed", "per_unit") or not fee["amount"]:
            continue
        stated = money_amounts(fee["note"])
        amount = fee["amount"]
        if fee["currency"] != "VND":
            continue
        if amount < 1000 and any(n >= 1000 for n in stated):
            flags.append((proc["code"], fee["channel"], amount, max(stated), "amount < 1.000 đ"))
        elif amount * 1000 in stated and amount not in stated:
            flags.append((proc["code"], fee["channel"], amount, amount * 1000,
                          "note states 1.000 × the amount"))


def convert(root: str) -> tuple[dict, collections.Counter, list, list]:
    stats: collections.Counter = collections.Counter()
    a_raw = read_a(root, stats)
    # Dates and issuers of legal documents as A's tables state them, for B (which gives only
    # number and title): the value most A records give for that number (ties: the first).
    seen: dict[str, dict] = collections.defaultdict(lambda: {"date": collections.Counter(),
                                                             "issuer": collections.Counter()})
    for code in sorted(a_raw):
        for doc in legal_a(a_raw[code]["sections"].get("Căn cứ pháp lý")):
            for key in ("date", "issuer"):
                if doc[key]:
                    seen[doc["number"]][key][doc[key]] += 1
    legal_index = {number: {key: (c.most_common(1)[0][0] if c else "")
                            for key, c in counts.items()} for number, counts in seen.items()}
    b_raw = {}
    for path in sorted(glob.glob(os.path.join(root, "opengov_dvcqg_api", "**", "details",
                                              "*.json"), recursive=True)):
        with open(path, encoding="utf-8") as fh:
            body = json.load(fh)
        data = body.get("data") if isinstance(body, dict) else None
        if not data:
            stats["B files without data"] += 1
            continue
        b_raw[one_line(data.get("code"))] = data
    stats["B records"] = len(b_raw)
    stats["codes in both"] = len(set(a_raw) & set(b_raw))

    procedures, dropped = {}, []
    for code, data in sorted(b_raw.items()):
        if not (data.get("isProvince") or data.get("isWard")):
            stats["B dropped: not province or commune"] += 1
            continue
        procedures[code] = convert_b(data, stats, legal_index)
    for code, raw in sorted(a_raw.items()):
        if code in b_raw:
            if code in procedures:
                stats["A replaced by B (same code)"] += 1
            else:
                stats["A skipped: code in B, which is not at province/commune"] += 1
            continue
        levels = a_field(raw["sections"], "Cấp thực hiện")
        if "Cấp Tỉnh" not in levels and "Cấp Xã" not in levels:
            stats["A dropped: not province or commune"] += 1
            if "Cấp Huyện" in levels:
                stats["A dropped: Cấp Huyện without Tỉnh/Xã"] += 1
            continue
        procedures[code] = convert_a(code, raw, stats, legal_index)
    out, sectors, flags = [], {}, []
    by_name_code = {}
    for proc in procedures.values():  # a source code for a sector name wins for that name
        name, source_code = proc["_sector"]
        if source_code:
            by_name_code.setdefault(fold(name), source_code)
    for code in sorted(procedures):
        proc = procedures[code]
        if not CODE_RE.match(code):
            dropped.append((code, proc["_source"], "code shape"))
            continue
        if not proc["name"]:
            dropped.append((code, proc["_source"], "no name"))
            continue
        name, source_code = proc["_sector"]
        name = name or "Chưa phân loại"
        scode = sector_code(name, by_name_code.get(fold(name)))
        if sectors.get(scode, name) != name:
            scode = sector_code(name, None)  # two names behind one source code
        sectors[scode] = name
        finish(proc, stats)
        sanity(proc, flags)
        out.append({"code": code, "name": proc["name"], "sector": scode,
                    "version": proc["version"], "_source": proc["_source"]})
    count(out, stats)
    for p in out:
        del p["_source"]
    document = {"format": "tinhso.catalog", "format_version": 2, "source": SOURCE_LINE,
                "sectors": [{"code": c, "name": sectors[c]} for c in sorted(sectors)],
                "procedures": out}
    return document, stats, dropped, flags


def count(out: list, stats: collections.Counter) -> None:
    for p in out:
        v, src = p["version"], p["_source"]
        stats[f"kept from {src}"] += 1
        stats[f"{src}: at province"] += v["at_province"]
        stats[f"{src}: at commune"] += v["at_commune"]
        stats[f"{src}: with cases"] += bool(v["cases"])
        stats[f"{src}: with >= 2 cases"] += len(v["cases"]) >= 2
        stats[f"{src}: content complete"] += v["content_complete"]
        stats[f"{src}: no results"] += not v["results"]
        stats[f"{src}: no components"] += not v["components"]
        stats[f"{src}: uses population data"] += v["uses_population_data"]
        stats[f"online level {v['online_level']}"] += 1
        stats["general time null"] += v["processing_time"] is None
        stats[f"{src}: general time null"] += v["processing_time"] is None
        no_time = not any(t["processing_time"] is not None for t in v["times"])
        stats["no stated time at all"] += no_time
        stats[f"{src}: no stated time at all"] += no_time
        stats["no channel row"] += not v["times"]
        per_channel = {}
        for t in v["times"]:
            per_channel.setdefault(t["channel"], set()).add((t["processing_time"],
                                                             t["time_unit"]))
            stats[f"time unit {t['time_unit']}"] += 1
            stats["time rows"] += 1
            stats["time rows with a case"] += t["case"] is not None
        stated = {pair for pairs in per_channel.values() for pair in pairs if pair[0]}
        stats["per-channel time differences"] += len(stated) > 1
        stats[f"{src}: per-channel time differences"] += len(stated) > 1
        fee_sets = collections.defaultdict(set)
        for f in v["fees"]:
            stats[f"fee basis {f['basis']}"] += 1
            stats[f"{src}: fee basis {f['basis']}"] += 1
            stats[f"fee kind {f['kind']}"] += 1
            stats[f"fee currency {f['currency']}"] += 1
            stats["fees"] += 1
            stats["fee rows in an alternatives group"] += f["group"] != 0
            stats["fee rows with valid_until"] += f["valid_until"] is not None
            if f["unit"]:
                stats[f"fee unit {f['unit']}"] += 1
            fee_sets[f["channel"]].add((f["case"], f["kind"], f["basis"], f["amount"],
                                        f["unit"], f["rate"], f["currency"]))
        channels = {t["channel"] for t in v["times"]}
        if v["fees"]:
            stats["procedures with fees"] += 1
            signature = {frozenset(fee_sets.get(c, set())) for c in channels | set(fee_sets)}
            stats["fee differences across channels"] += len(signature) > 1
            stats[f"{src}: fee differences across channels"] += len(signature) > 1
            stats[f"{src}: with fees"] += 1


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    document, stats, dropped, flags = convert(argv[1])
    body = json.dumps(document, ensure_ascii=False, sort_keys=False, indent=None,
                      separators=(",", ":")).encode("utf-8")
    os.makedirs(os.path.dirname(os.path.abspath(argv[2])), exist_ok=True)
    # preset 9 | extreme; xz output is deterministic for the same input and settings.
    with open(argv[2], "wb") as fh:
        fh.write(lzma.compress(body, preset=9 | lzma.PRESET_EXTREME))
    print(f"wrote {argv[2]}: {len(document['procedures'])} procedures, "
          f"{len(document['sectors'])} sectors, {len(body):,} bytes JSON, "
          f"{os.path.getsize(argv[2]):,} bytes xz")
    for key in sorted(stats):
        print(f"  {key}: {stats[key]}")
    for code, source, why in dropped:
        print(f"  DROPPED {code} ({source}): {why}")
    for code, channel, amount, stated, why in flags:
        print(f"  FLAG {code} [{channel or 'all'}]: amount {amount:,} but note says "
              f"{stated:,} ({why})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
