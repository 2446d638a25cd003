"""The one change tinhso itself makes to a signed PDF: one more signature, appended.

A result is signed by the leader, then sealed by the agency: the seal is an incremental update
after the leader's signature, and validating the leader's signature means proving that update
changed nothing of what was signed. pyHanko's difference analysis proves it in general, by
reading every object of the signed revision and every path to it: about half of validating a
sealed 10-page result.

`AppendedSignaturePolicy` first tries to recognise the update tinhso's signer writes, exactly:
one new signature field on a page, its appearance and signature value, the validation
data added to the security store, the document information's date and producer. Anything else
in the update, or anything it cannot read plainly (object streams, cross-reference streams,
freed or renumbered objects, encryption, field locks, certification), goes to pyHanko's
analysis unchanged. So the shortcut can only answer "form filling" for what pyHanko answers
the same (the tests hold it to that on every shape they try), and never decides a refusal.
"""

from __future__ import annotations

import logging
import re

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffPolicy,
    DiffResult,
    ModificationLevel,
)

log = logging.getLogger(__name__)

# An indirect reference "12 0 R": PDF separates tokens by whitespace (NUL and form feed count)
# and by comments, which run to the end of the line.
_GAP = rb"(?:[\x00\t\n\x0c\r ]|%[^\r\n]*)+"
_REFERENCE = re.compile(rb"(\d+)" + _GAP + rb"\d+" + _GAP + rb"R")
_WIDGET_KEYS = {"/Type", "/Subtype", "/FT", "/T", "/F", "/Rect", "/P", "/AP", "/V"}
# What pyHanko writes in a signature dictionary: no /Reference (a certification or field lock
# that a later signature may not add) and no /Cert.
_VALUE_KEYS = {"/Type", "/Filter", "/SubFilter", "/Contents", "/ByteRange", "/M", "/Name",
               "/Reason", "/Location", "/ContactInfo", "/Prop_Build"}
_INFO_UPDATED = {"/ModDate", "/Producer"}
_DSS_LISTS = ("/Certs", "/CRLs", "/OCSPs")
_TRAILER_KEYS = {"/Size", "/Root", "/Info", "/ID", "/Prev"}


class _NotOurs(Exception):
    """The update is not the one tinhso's signer writes: pyHanko's analysis decides."""


def _ref(value) -> generic.Reference:
    if not isinstance(value, generic.IndirectObject):
        raise _NotOurs("expected an indirect reference")
    return value.reference


def _dict(read, ref: generic.Reference) -> generic.DictionaryObject:
    obj = read(ref)
    if not isinstance(obj, generic.DictionaryObject) or isinstance(obj, generic.StreamObject):
        raise _NotOurs(f"{ref} is not a dictionary")
    return obj


def _same_but(old: generic.DictionaryObject, new: generic.DictionaryObject,
              changed: set[str]) -> None:
    """Every key but `changed` is present in both, with the same value (references compare
    by number, so nothing is read through them)."""
    if any(key not in changed and (key not in new or new.raw_get(key) != old.raw_get(key))
           for key in old) or any(key not in changed and key not in old for key in new):
        raise _NotOurs("a dictionary changed beyond what a signature adds")


def _appended(old: generic.DictionaryObject, new: generic.DictionaryObject, key: str,
              optional: bool = False) -> list:
    """The references `new[key]` adds at the end of `old[key]` (both direct arrays; with
    `optional`, either may be absent: as if empty)."""
    if optional and key not in new and key not in old:
        return []
    before = old.raw_get(key) if key in old else (generic.ArrayObject() if optional else None)
    after = new.raw_get(key) if key in new else None
    if not isinstance(before, generic.ArrayObject) or not isinstance(after, generic.ArrayObject):
        raise _NotOurs(f"{key} is not a direct array")
    if len(after) < len(before) or [
            after.raw_get(i) for i in range(len(before))] != [
            before.raw_get(i) for i in range(len(before))]:
        raise _NotOurs(f"{key} lost or reordered entries")
    return [after.raw_get(i) for i in range(len(before), len(after))]


def _reachable(read, start, added: set[generic.Reference]) -> set[generic.Reference]:
    """The added objects reachable from `start`, through added objects only."""
    seen: set[generic.Reference] = set()
    stack = [start]
    while stack:
        value = stack.pop()
        if isinstance(value, generic.IndirectObject):
            ref = value.reference
            if ref not in added or ref in seen:
                continue
            seen.add(ref)
            value = read(ref)
        if isinstance(value, generic.DictionaryObject):
            stack.extend(value.raw_get(key) for key in value)
        elif isinstance(value, generic.ArrayObject):
            stack.extend(value.raw_get(i) for i in range(len(value)))
    return seen


def _field_names(read, fields: generic.ArrayObject) -> set[str]:
    names = set()
    for i in range(len(fields)):
        field = read(_ref(fields.raw_get(i)))
        if isinstance(field, generic.DictionaryObject) and "/T" in field:
            names.add(str(field["/T"]))
    return names


def _refers_to(data: bytes, numbers: set[int]) -> bool:
    """Whether `data` holds a reference to one of `numbers`: each place a number's digits
    appear is tried as the start of a reference (finding the digits is fast; a full scan for
    references is not)."""
    for number in numbers:
        digits = str(number).encode()
        at = data.find(digits)
        while at >= 0:
            match = _REFERENCE.match(data, at)
            if match and int(match.group(1)) in numbers:
                return True
            at = data.find(digits, at + 1)
    return False


def _written(reader: PdfFileReader, base: int) -> tuple[set, set]:
    """(changed, added): the objects the one plain update after revision `base` rewrites and
    those it adds, once nothing the signer signed can refer to an added one."""
    xrefs = reader.xrefs
    revision = base + 1
    if revision != xrefs.total_revisions - 1 or xrefs.hybrid_xrefs_present:
        raise _NotOurs("not exactly one plain update after the signed revision")
    for number in range(xrefs.total_revisions):
        data = xrefs.get_xref_data(number)
        if (data.xrefs_in_objstm or data.obj_streams_used
                or xrefs.get_xref_container_info(number).stream_ref is not None):
            raise _NotOurs("object or cross-reference streams")
    if xrefs.refs_freed_in_revision(revision) or reader.encrypted:
        raise _NotOurs("freed objects or encryption")
    written = xrefs.explicit_refs_in_revision(revision)
    if any(ref.generation != 0 for ref in written):
        raise _NotOurs("a generation number other than 0")
    changed = {ref for ref in written if xrefs.get_historical_ref(ref, base) is not None}
    added = written - changed

    # A reference in the signed revision to an object it lacked reads as null, and giving it
    # a body later would change the signed content. The objects are all plain here (no
    # object streams), so every reference they hold is in the signed bytes; a number in a
    # compressed stream that only looks like one can only send the file to the full analysis.
    positions = xrefs.get_xref_data(revision).standard_xrefs
    update_start = min(positions[ref.idnum][1] for ref in written)
    for number in range(revision):
        if any(offset >= update_start
               for _gen, offset in xrefs.get_xref_data(number).standard_xrefs.values()):
            raise _NotOurs("a signed object lies after the signed bytes")
    reader.stream.seek(0)
    if _refers_to(reader.stream.read(update_start), {ref.idnum for ref in added}):
        raise _NotOurs("the signed revision refers to an added object")
    return changed, added


def _new_field(old, new, form, added) -> tuple[generic.IndirectObject, str, generic.Reference]:
    """(the field, its name, its page): the one new signature field, which is also its
    widget, listed by the form and by its page."""
    old_form, new_form = _dict(old, form), _dict(new, form)
    _same_but(old_form, new_form, {"/Fields", "/SigFlags"})
    if new_form.get("/SigFlags", 3) != 3:
        raise _NotOurs("/SigFlags")
    fields = _appended(old_form, new_form, "/Fields")
    if len(fields) != 1 or _ref(fields[0]) not in added:
        raise _NotOurs("not exactly one added field")
    widget = _dict(new, _ref(fields[0]))
    if (set(widget) - _WIDGET_KEYS or widget.get("/Type") != "/Annot"
            or widget.get("/Subtype") != "/Widget" or widget.get("/FT") != "/Sig"
            or not isinstance(widget.get("/T"), str)
            or str(widget["/T"]) in _field_names(old, old_form.raw_get("/Fields"))):
        raise _NotOurs("the widget is not a new signature field")
    value_ref = _ref(widget.raw_get("/V"))
    value = _dict(new, value_ref)
    appearance = widget.raw_get("/AP") if "/AP" in widget else generic.DictionaryObject()
    if (value.get("/Type") != "/Sig" or set(value) - _VALUE_KEYS or value_ref not in added
            or not isinstance(appearance, generic.DictionaryObject) or set(appearance) - {"/N"}
            or ("/N" in appearance and _ref(appearance.raw_get("/N")) not in added)):
        raise _NotOurs("the field's value or appearance")
    page = _ref(widget.raw_get("/P"))
    old_page, new_page = _dict(old, page), _dict(new, page)
    if old_page.get("/Type") != "/Page":
        raise _NotOurs("/P is not a page")
    _same_but(old_page, new_page, {"/Annots"})
    if _appended(old_page, new_page, "/Annots", optional=True) != fields:
        raise _NotOurs("the page gained other annotations")
    return fields[0], str(widget["/T"]), page


def _new_evidence(old, new, dss, added) -> list:
    """Certificates, CRLs and OCSP responses added at the end of the security store's lists,
    as streams the update adds."""
    old_dss, new_dss = _dict(old, dss), _dict(new, dss)
    _same_but(old_dss, new_dss, set(_DSS_LISTS))
    evidence = [item for key in _DSS_LISTS
                for item in _appended(old_dss, new_dss, key, optional=True)]
    if any(_ref(item) not in added or not isinstance(new(_ref(item)), generic.StreamObject)
           for item in evidence):
        raise _NotOurs("the security store gained something other than new evidence")
    return evidence


def _info_update(old, new, old_trailer, new_trailer, changed) -> set:
    """The document information, if the update rewrote it: its date and producer only."""
    if "/Info" not in new_trailer:
        if "/Info" in old_trailer:
            raise _NotOurs("the document information was dropped")
        return set()
    info = _ref(new_trailer.raw_get("/Info"))
    if "/Info" not in old_trailer or info != _ref(old_trailer.raw_get("/Info")):
        raise _NotOurs("the document information moved")
    if info not in changed:
        return set()
    _same_but(_dict(old, info), _dict(new, info), _INFO_UPDATED)
    return {info}


def _review(reader: PdfFileReader, base: int) -> str:
    """The name of the signature field the update after revision `base` adds, if that update
    is exactly one signature as tinhso appends it; otherwise _NotOurs."""
    changed, added = _written(reader, base)

    # Objects as the signed revision had them, and as they are now (references compare by
    # number: nothing below follows one into the wrong revision).
    def old(ref):
        return reader.get_object(ref, base)

    def new(ref):
        return reader.get_object(ref)

    old_trailer, new_trailer = reader.trailer.flatten(base), reader.trailer.flatten()
    if set(new_trailer) - _TRAILER_KEYS:
        raise _NotOurs("the trailer changed")
    root = _ref(new_trailer.raw_get("/Root"))
    if root != _ref(old_trailer.raw_get("/Root")) or root in changed:
        raise _NotOurs("the catalog changed")
    catalog = _dict(old, root)
    form, dss = _ref(catalog.raw_get("/AcroForm")), _ref(catalog.raw_get("/DSS"))

    field, name, page = _new_field(old, new, form, added)
    evidence = _new_evidence(old, new, dss, added)
    info = _info_update(old, new, old_trailer, new_trailer, changed)
    if changed - {form, dss, page} - info:
        raise _NotOurs("other signed objects changed")
    # Every added object belongs to the new field or to the new evidence: nothing stray.
    if added != _reachable(new, field, added) | _reachable(
            new, generic.ArrayObject(evidence), added):
        raise _NotOurs("added objects that nothing new uses")
    return name


class AppendedSignaturePolicy(DiffPolicy):
    """pyHanko's default difference analysis, after a strict recogniser of the one update
    tinhso's signer appends (see the module's docstring)."""

    def __init__(self, fallback: DiffPolicy = DEFAULT_DIFF_POLICY):
        self.fallback = fallback

    def apply(self, old, new, field_mdp_spec=None, doc_mdp=None):
        return self.fallback.apply(old, new, field_mdp_spec, doc_mdp)

    def review_file(self, reader, base_revision, field_mdp_spec=None, doc_mdp=None):
        if isinstance(base_revision, int) and field_mdp_spec is None and doc_mdp is None:
            try:
                name = _review(reader, base_revision)
            except _NotOurs as reason:
                log.debug("update after revision %s left to pyHanko: %s", base_revision, reason)
            except (KeyError, ValueError, TypeError, PdfError) as exc:
                log.debug("update after revision %s unreadable here: %s", base_revision, exc)
            else:
                return DiffResult(ModificationLevel.FORM_FILLING, {name})
        return self.fallback.review_file(reader, base_revision, field_mdp_spec, doc_mdp)
