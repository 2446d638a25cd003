"""`tinhso edxml_read FILE`: the JSON contract (every key, null where a kind lacks one), the
verdict reported whatever it is (exit 0), a package breaking edXML's rules read as far as it
goes with its problems listed (exit 0), exit 2 with a Vietnamese reason only for what is not an
edXML package at all; once as a real process, as operators and the external check run it."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhso.documents import edxml
from tinhso.documents.edxml import codes

from .test_edxml import PDF, a_document, a_status, files, sealed, trusted  # noqa: F401

KEYS = {"kind", "from", "to", "code_number", "code_notation", "subject", "document_type",
        "priority", "steering_type", "business_doc_type", "attachments", "status_code",
        "response_for", "signature", "problems"}
ROOT = Path(__file__).resolve().parents[4]


def read(path, *args) -> dict:
    out = StringIO()
    call_command("edxml_read", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


def refused(path) -> str:
    err = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("edxml_read", str(path), stdout=StringIO(), stderr=err)
    assert exited.value.code == 2
    return err.getvalue()


def test_a_signed_document_as_json(tmp_path):
    path = tmp_path / "van-ban.xml"
    path.write_bytes(sealed(edxml.build_document(a_document(), files())))
    result = read(path)
    assert set(result) == KEYS
    assert result == {
        "kind": "document", "from": "H44.03", "to": ["H44.07", "H44.10"],
        "code_number": "123", "code_notation": "QĐ-UBND",
        "subject": "Về việc cấp giấy phép xây dựng",
        "document_type": {"type": 2, "type_detail": 1, "type_name": "Quyết định"},
        "priority": 1, "steering_type": 2, "business_doc_type": 0,
        "attachments": [{"name": "quyet-dinh.pdf", "size": len(PDF)},
                        {"name": "phu-luc.docx", "size": len(b"PK\x03\x04 phu luc")}],
        "status_code": None, "response_for": "H44.07,2026/11/30,45/TTr-SXD",
        "signature": {"verdict": "valid", "reason": result["signature"]["reason"]},
        "problems": [],
    }
    assert result["signature"]["reason"].startswith("Chữ ký số hợp lệ")
    assert read(path, "--pretty") == result


def test_a_status_as_json_with_nulls_for_what_it_lacks(tmp_path):
    path = tmp_path / "trang-thai.xml"
    path.write_bytes(sealed(edxml.build_status(a_status(codes.ASSIGNED))))
    result = read(path)
    assert set(result) == KEYS
    assert result["kind"] == "status"
    assert (result["from"], result["to"]) == ("H44.07", ["H44.03"])
    assert (result["status_code"], result["response_for"]) == (
        "04", "H44.03,2026/12/05,123/QĐ-UBND")
    for key in ("code_number", "code_notation", "subject", "document_type", "priority",
                "steering_type", "business_doc_type"):
        assert result[key] is None, key
    assert result["attachments"] == []
    assert result["signature"]["verdict"] == "valid"


@pytest.mark.parametrize(("spoil", "verdict", "begins"), [
    (lambda signed, unsigned: unsigned, "absent", "Tài liệu không có chữ ký số"),
    (lambda signed, unsigned: signed.replace("xây dựng".encode(), "xây sửa".encode()),
     "invalid", "Tài liệu đã bị thay đổi sau khi ký"),
], ids=["unsigned", "altered"])
def test_any_verdict_is_reported_with_exit_0(tmp_path, spoil, verdict, begins):
    unsigned = edxml.build_document(a_document())
    path = tmp_path / "p.xml"
    path.write_bytes(spoil(sealed(unsigned), unsigned))
    signature = read(path)["signature"]
    assert signature["verdict"] == verdict
    assert signature["reason"].startswith(begins)


def test_what_is_not_an_edxml_package_exits_2_with_the_reason(tmp_path):
    malformed = tmp_path / "hong.xml"
    malformed.write_bytes(b"<edXML:edXML><a></edXML:edXML>")
    assert "không đúng cú pháp XML" in refused(malformed)
    other = tmp_path / "khac.xml"
    other.write_bytes(b"<?xml version='1.0'?><hoadon><so>1</so></hoadon>")
    assert "Không phải gói tin edXML" in refused(other)


def test_a_package_breaking_edxml_rules_is_read_as_far_as_it_goes(tmp_path):
    """Still edXML, so read (exit 0): what the receiving axis would refuse is listed in
    `problems`, and what could not be read is null or left out."""
    built = edxml.build_document(a_document(), files())
    path = tmp_path / "hong-mot-phan.xml"
    path.write_bytes(built.replace(  # no files, a subject removed, a priority out of its list
        b"<edXML:AttachmentEncoded>", b"<edXML:AttachmentEncoded><!--", 1).replace(
        b"</edXML:AttachmentEncoded>", b"--></edXML:AttachmentEncoded>", 1).replace(
        "<edXML:Subject>Về việc cấp giấy phép xây dựng</edXML:Subject>".encode(), b"", 1
    ).replace(b"<edXML:Priority>1</edXML:Priority>", b"<edXML:Priority>khan</edXML:Priority>"))
    result = read(path)
    assert set(result) == KEYS
    assert (result["kind"], result["code_number"], result["subject"], result["priority"]) == (
        "document", "123", "", None)
    assert result["attachments"] == []
    assert [p["code"] for p in result["problems"]] == [
        "bad_value", "missing_field", "missing_attachment", "missing_attachment"]
    assert "Priority" in result["problems"][0]["reason"]
    assert "Subject" in result["problems"][1]["reason"]
    with pytest.raises(edxml.EdxmlError) as info:  # the axis still refuses it
        edxml.parse(path.read_bytes())
    assert info.value.code == "bad_value"


def test_an_oversized_file_is_refused_on_its_size_and_a_missing_one_is_an_error(tmp_path):
    path = tmp_path / "lon.xml"
    path.write_bytes(b"x" * 5000)
    err = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("edxml_read", str(path), "--max-bytes", "1000", stderr=err)
    assert exited.value.code == 2 and "vượt giới hạn" in err.getvalue()
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("edxml_read", str(tmp_path / "khong-co.xml"))


def test_as_a_process(tmp_path, settings):
    """The console command in its own process, configured by the environment only."""
    good = tmp_path / "van-ban.xml"
    good.write_bytes(sealed(edxml.build_document(a_document(), files())))
    bad = tmp_path / "khac.xml"
    bad.write_bytes(b"<x:a/>")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tinhso.settings",
           "PYTHONPATH": str(ROOT / "src"),
           "TINHSO_SIGNING_TRUST_ROOTS": settings.TINHSO_SIGNING_TRUST_ROOTS[0],
           "TINHSO_SIGNING_CRLS": ",".join(settings.TINHSO_SIGNING_CRLS)}
    command = [sys.executable, "-m", "tinhso", "edxml_read"]
    ran = subprocess.run([*command, str(good)], capture_output=True, text=True, env=env,
                         timeout=120, cwd=ROOT)
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout)
    assert set(result) == KEYS
    assert result["signature"]["verdict"] == "valid", result["signature"]
    ran = subprocess.run([*command, str(bad)], capture_output=True, text=True, env=env,
                         timeout=120, cwd=ROOT)
    assert ran.returncode == 2
    assert ran.stdout == ""
    assert "tiền tố không gian tên “x”" in ran.stderr
