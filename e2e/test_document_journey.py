"""An outgoing decision from draft to completion at the agency that receives it, in a real
browser: a specialist of the Sở drafts it and submits it, the division head reviews it, the
leader approves and signs it, the clerk seals it and issues it (number 01/QĐ-SXD) to a
commune of the province; the commune's clerk registers it, its leader directs and assigns
it, its specialist completes it, and the Sở sees that on its document. The issued PDF carries
two valid signatures (pyHanko, and poppler's pdfsig when installed).

The two agencies and their staff are the documents tests' (tinhso.documents.tests.conftest)."""

import shutil
import subprocess

import pytest

from tinhso.core.tests.factories import DEFAULT_PASSWORD
from tinhso.documents.models import Document, Status
from tinhso.documents.tests.conftest import commune, document_pki, office  # noqa: F401
from tinhso.signing.services import validate_pdf

from .accessibility import assert_accessible
from .journey import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBJECT = "Về việc ban hành Kế hoạch chuyển đổi số năm 2027"


def as_user(page, base, user):
    sign_out(page)
    sign_in(page, base, user.username, DEFAULT_PASSWORD)


def act(page, action, fill=None):
    """Open the action's panel on the document page, fill it, confirm; the page reloads."""
    page.locator(f"#action-{action} > summary").click()
    if fill:
        fill(page)
    page.locator(f"#confirm-{action}").click()
    page.wait_for_load_state()


def status_of(page) -> str:
    return page.locator("#document-status").inner_text().strip()


def message(page) -> str:
    return page.locator("#messages").inner_text()


def pdfsig_report(data: bytes, folder, root) -> str | None:
    """pdfsig's verdict with an NSS database trusting the test PKI's root, or None."""
    pdfsig, certutil = shutil.which("pdfsig"), shutil.which("certutil")
    if not pdfsig or not certutil:
        return None
    path = folder / "issued.pdf"
    path.write_bytes(data)
    nss = folder / "nss"
    nss.mkdir()
    # The tools found on PATH, with arguments this test made: nothing untrusted.
    subprocess.run([certutil, "-N", "-d", f"sql:{nss}", "--empty-password"],  # noqa: S603
                   check=True)
    subprocess.run([certutil, "-A", "-d", f"sql:{nss}", "-n", "root",  # noqa: S603
                    "-t", "C,C,C", "-i", str(root)], check=True)
    done = subprocess.run([pdfsig, "-nssdir", f"sql:{nss}", str(path)],  # noqa: S603
                          capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def test_a_decision_is_issued_to_a_commune_which_completes_it(
        live_server, desktop, shot, tmp_path, office, commune, document_pki):  # noqa: F811
    base = live_server.url
    page = desktop

    # The specialist drafts it from the navigation, typed content laid out as a PDF.
    sign_in(page, base, office.specialist.username, DEFAULT_PASSWORD)
    page.goto(f"{base}/office/")
    page.locator("#nav-documents").click()
    page.wait_for_url("**/office/documents/")
    page.locator("#new-draft").click()
    page.get_by_label("Loại văn bản").select_option(label="Quyết định")
    page.get_by_label("Trích yếu nội dung").fill(SUBJECT)
    page.get_by_label("Nội dung", exact=True).fill(
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2027.\n"
        "Điều 2. Quyết định có hiệu lực từ ngày ký.")
    page.get_by_label("Nơi nhận trong tỉnh").select_option(label=commune.agency.name)
    assert_accessible(page, "documents: drafting form")
    shot(page, "draft-form")
    page.locator("#draft-form-submit").click()
    page.wait_for_url("**/office/documents/*/")
    assert "Đã lưu dự thảo" in message(page)
    assert status_of(page) == "Dự thảo"
    document = Document.objects.get(direction="out")
    url = f"{base}/office/documents/{document.pk}/"
    act(page, "submit")
    assert status_of(page) == "Chờ thẩm định"

    # The division head reviews it; the leader approves and signs it.
    as_user(page, base, office.head)
    page.goto(url)
    act(page, "review", lambda p: p.locator("#id_review-note").fill("Đủ căn cứ, đúng thể thức."))
    assert status_of(page) == "Chờ lãnh đạo duyệt"
    as_user(page, base, office.leader)
    page.goto(url)
    act(page, "approve")
    assert status_of(page) == "Đã duyệt, chờ ký"
    act(page, "sign")
    assert "Đã ký số văn bản" in message(page)
    assert status_of(page) == "Đã ký, chờ đóng dấu"

    # The clerk seals it and issues it: numbered 01 in this year's outgoing register.
    as_user(page, base, office.clerk)
    page.goto(url)
    act(page, "seal")
    assert status_of(page) == "Đã đóng dấu, chờ phát hành"
    act(page, "issue")
    assert "Đã phát hành văn bản số 01/QĐ-SXD" in message(page)
    assert page.locator("#document-notation").inner_text() == "01/QĐ-SXD"
    assert "Đã đến" in page.locator("#document-recipients").inner_text()
    assert_accessible(page, "documents: an issued document")
    shot(page, "issued")

    # The issued file: the leader's signature and the agency's seal, both valid.
    document.refresh_from_db()
    issued = document.main_file.file.read()
    verdict = validate_pdf(issued)
    assert verdict.is_valid, verdict.message
    assert len(verdict.signatures) == 2
    assert all(s.is_valid for s in verdict.signatures)
    report = pdfsig_report(issued, tmp_path, document_pki.trust_root_path)
    if report is not None:
        assert report.count("Signature Validation: Signature is Valid.") == 2, report

    # The commune's clerk finds it waiting and registers it.
    as_user(page, base, commune.clerk)
    page.goto(f"{base}/office/documents/incoming/")
    page.locator("#queue-to_register").click()
    row = page.locator("#document-table tbody tr", has_text="01/QĐ-SXD")
    assert SUBJECT in row.inner_text()
    assert_accessible(page, "documents: incoming list")
    shot(page, "commune-incoming")
    row.locator("a.document-link").click()
    act(page, "register")
    assert "Đã vào sổ văn bản đến, số đến 1" in message(page)
    copy = Document.objects.get(direction="in", agency=commune.agency)
    copy_url = f"{base}/office/documents/{copy.pk}/"

    # Its leader directs and assigns it to the specialist, five working days.
    as_user(page, base, commune.leader)
    page.goto(copy_url)
    act(page, "direct", lambda p: p.locator("#id_direct-note").fill(
        "Giao Phòng Văn hóa - Xã hội chủ trì triển khai."))
    assert status_of(page) == "Đã có ý kiến chỉ đạo, chờ giao"

    def assign(p):
        p.locator("#id_assign-assignee").select_option(label=commune.specialist.full_name)
        p.locator("#id_assign-unit").fill("Phòng Văn hóa - Xã hội")
        p.locator("#id_assign-days").fill("5")

    act(page, "assign", assign)
    assert status_of(page) == "Đang xử lý"
    assert commune.specialist.full_name in page.locator("#document-assignee").inner_text()

    # The specialist sees it in "assigned to me" and completes it.
    as_user(page, base, commune.specialist)
    page.goto(f"{base}/office/documents/incoming/?queue=mine")
    assert "01/QĐ-SXD" in page.locator("#document-table").inner_text()
    page.goto(f"{base}/office/documents/search/")
    page.get_by_label("Từ khóa", exact=False).fill("chuyen doi so 2027")
    page.locator("#document-search-submit").click()
    assert "01/QĐ-SXD" in page.locator("#document-table").inner_text()
    assert_accessible(page, "documents: search")
    page.goto(copy_url)
    act(page, "complete", lambda p: p.locator("#id_complete-note").fill("Đã triển khai."))
    assert status_of(page) == "Đã xử lý xong"
    shot(page, "commune-completed")

    # Back at the Sở: the recipient's progress is on the document.
    as_user(page, base, office.clerk)
    page.goto(url)
    assert "Đã xử lý xong" in page.locator("#document-recipients").inner_text()
    actions = [e.get_attribute("data-action")
               for e in page.locator("#document-history li").all()]
    assert actions == ["draft", "submit", "review", "approve", "sign", "seal", "issue"]
    copy.refresh_from_db()
    assert copy.status == Status.COMPLETED and copy.source_id == document.pk
