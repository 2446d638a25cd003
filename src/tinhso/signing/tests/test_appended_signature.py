"""The recogniser of tinhso's own appended signature: it answers for the seal tinhso writes
after a leader's signature, exactly as pyHanko's full analysis does, and leaves every other
update (content, annotations, other fields, stray objects, a reference planted before
signing) to that analysis."""

import re
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel

from tinhso.signing import appended_signature, pdf, verdicts

from .conftest import make_pdf
from .test_pdf import LEADER, SEAL


@pytest.fixture(scope="module")
def document() -> bytes:
    return make_pdf()


def first_signature(data: bytes):
    reader = PdfFileReader(BytesIO(data), strict=False)
    return reader, reader.embedded_signatures[0].signed_revision


def recognised(data: bytes) -> str:
    return appended_signature._review(*first_signature(data))


def pyhanko_alone(data: bytes):
    return DEFAULT_DIFF_POLICY.review_file(*first_signature(data))


def updated(signed: bytes, change) -> bytes:
    """`signed` with one more incremental update, written by pyHanko, doing `change(writer)`."""
    writer = IncrementalPdfFileWriter(BytesIO(signed), strict=False)
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def verdict_with(policy, data: bytes) -> str:
    original = pdf._DIFF_POLICY
    pdf._DIFF_POLICY = policy
    try:
        return pdf.validate(data).code
    finally:
        pdf._DIFF_POLICY = original


def test_tinhsos_seal_is_recognised_as_pyhanko_judges_it(document, person, seal):
    sealed = pdf.sign(pdf.sign(document, person, LEADER), seal, SEAL)
    assert recognised(sealed) == "ChuKy2"
    expected = DiffResult(ModificationLevel.FORM_FILLING, {"ChuKy2"})
    assert appended_signature.AppendedSignaturePolicy().review_file(
        *first_signature(sealed)) == expected
    assert pyhanko_alone(sealed) == expected


def test_validating_a_sealed_result_never_needs_the_full_analysis(document, person, seal,
                                                                  monkeypatch):
    sealed = pdf.sign(pdf.sign(document, person, LEADER), seal, SEAL)

    def refuse(*args, **kwargs):
        raise AssertionError("pyHanko's full difference analysis was run")

    monkeypatch.setattr(pdf._DIFF_POLICY.fallback, "review_file", refuse)
    assert pdf.validate(sealed).code == verdicts.VALID


def test_a_third_signature_leaves_the_first_to_pyhanko_and_all_stay_valid(document, person,
                                                                         seal):
    thrice = pdf.sign(pdf.sign(pdf.sign(document, person, LEADER), seal, SEAL), person, LEADER)
    with pytest.raises(appended_signature._NotOurs):
        recognised(thrice)  # two updates after the leader's signature: not the known shape
    reader = PdfFileReader(BytesIO(thrice), strict=False)
    second = reader.embedded_signatures[1].signed_revision
    assert appended_signature._review(reader, second) == "ChuKy3"
    assert pdf.validate(thrice).code == verdicts.VALID


def _page(writer):
    return writer.root["/Pages"]["/Kids"][0].get_object()


def _new_content(writer):
    page = _page(writer)
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (DA DUYET) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)


def _text_note(writer):
    page = _page(writer)
    note = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Text"),
        generic.NameObject("/Rect"): generic.ArrayObject(map(generic.NumberObject,
                                                             (10, 10, 40, 40))),
        generic.NameObject("/Contents"): generic.TextStringObject("Đã duyệt"),
    }))
    annots = page.get("/Annots", generic.ArrayObject())
    annots.append(note)
    page["/Annots"] = annots
    writer.update_container(page)


def _retitled(writer):
    writer.set_info(generic.DictionaryObject({
        generic.NameObject("/Title"): generic.TextStringObject("Quyết định khác")}))


def _stray_object(writer):
    writer.add_object(generic.StreamObject(stream_data=b"nobody uses this"))


def _open_action(writer):
    action = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/S"): generic.NameObject("/JavaScript"),
        generic.NameObject("/JS"): generic.TextStringObject("app.alert('x')"),
    }))
    writer.root["/OpenAction"] = action
    writer.update_root()


@pytest.mark.parametrize("change", [_new_content, _text_note, _retitled, _stray_object,
                                    _open_action])
def test_any_other_update_goes_to_pyhanko_whose_verdict_stands(document, person, change):
    changed = updated(pdf.sign(document, person, LEADER), change)
    with pytest.raises(appended_signature._NotOurs):
        recognised(changed)
    assert verdict_with(appended_signature.AppendedSignaturePolicy(), changed) == verdict_with(
        DEFAULT_DIFF_POLICY, changed)


def test_content_added_later_is_still_altered(document, person):
    changed = updated(pdf.sign(document, person, LEADER), _new_content)
    assert pdf.validate(changed).code == verdicts.ALTERED


@pytest.mark.parametrize("before, after", [
    (b"/T (ChuKy2)", b"/T (ChuKy1)"),            # the name of the field already signed
    (b"/SigFlags 3", b"/SigFlags 1"),
    (b"/Subtype /Widget", b"/Subtype /Screen"),
    (b"/FT /Sig", b"/FT /Tx "),
    (b"/Reason", b"/Data  "),                  # a key pyHanko never writes in a signature
])
def test_the_seals_update_changed_in_any_way_is_not_recognised(document, person, seal, before,
                                                               after):
    """Same-length edits of the seal's own update (the seal's signature then fails too, but
    the leader's is judged on the update as it stands)."""
    sealed = pdf.sign(pdf.sign(document, person, LEADER), seal, SEAL)
    once = len(pdf.sign(document, person, LEADER))
    update = sealed[once:]
    assert update.count(before) == 1 and len(before) == len(after)
    edited = sealed[:once] + update.replace(before, after)
    with pytest.raises(appended_signature._NotOurs):
        recognised(edited)


def test_the_pages_annotations_reordered_are_not_recognised(document, person, seal):
    signed = pdf.sign(document, person, LEADER)
    sealed = pdf.sign(signed, seal, SEAL)
    update = sealed[len(signed):]
    listed = re.search(rb"/Annots \[ (\d+) 0 R (\d+) 0 R \]", update)
    swapped = b"/Annots [ %s 0 R %s 0 R ]" % (listed.group(2), listed.group(1))
    edited = signed + update.replace(listed.group(0), swapped)
    with pytest.raises(appended_signature._NotOurs):
        recognised(edited)


def size(data: bytes) -> int:
    return int(PdfFileReader(BytesIO(data), strict=False).trailer["/Size"])


def test_an_object_the_signed_revision_already_referred_to_is_left_to_pyhanko(document, person,
                                                                             seal):
    """A reference planted before signing to an object that did not exist yet reads as
    null; the seal's update then gives that number a body. The recogniser must not wave it
    through: what the leader signed would now show something else."""
    numbers = range(size(document), size(document) + 100)  # beyond the seal's, whatever

    def plant(writer):
        page = _page(writer)
        page["/Tinhso"] = generic.ArrayObject(
            generic.IndirectObject(number, 0, writer) for number in numbers)
        writer.update_container(page)

    signed = pdf.sign(updated(document, plant), person, LEADER)
    sealed = pdf.sign(signed, seal, SEAL)
    reader = PdfFileReader(BytesIO(sealed), strict=False)
    last = reader.xrefs.total_revisions - 1
    added = {ref.idnum for ref in reader.xrefs.explicit_refs_in_revision(last)
             if reader.xrefs.get_historical_ref(ref, last - 1) is None}
    assert added and added <= set(numbers)  # the seal gave planted numbers a body
    with pytest.raises(appended_signature._NotOurs, match="refers to an added object"):
        recognised(sealed)
    assert verdict_with(appended_signature.AppendedSignaturePolicy(), sealed) == verdict_with(
        DEFAULT_DIFF_POLICY, sealed)


@pytest.mark.parametrize("data, found", [
    (b"/P 70 0 R", True),
    (b"/P 70\x000%note\nR", True),     # NUL is whitespace, a comment separates tokens
    (b"/P 070 0 R", True),             # leading zeros are the same number
    (b"[7 0 R 700 0 R]", False),
    (b"70 0 obj << >> endobj", False),
    (b"/Kids [ 12 0 R 70 1 R ]", True),
])
def test_a_reference_is_found_however_it_is_spaced(data, found):
    assert appended_signature._refers_to(data, {70}) is found
