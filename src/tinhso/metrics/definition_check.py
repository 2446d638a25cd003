"""Checks an index definition (the data the scores are computed with) before it is stored.

A definition names its version, grade bands and groups of components; each component has a
maximum and a formula kind known to `scoring.KINDS`, plus the options that kind needs.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .scoring import KINDS

KIND_OPTIONS = {"rate_threshold": ("threshold",)}


class DefinitionError(ValueError):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def _number(value, where: str, errors: list[str]) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(_("%(where)s: cần một số, nhận được %(value)r.")
                      % {"where": where, "value": value})
        return None
    if number < 0:
        errors.append(_("%(where)s: không được âm.") % {"where": where})
        return None
    return number


def validate(data) -> None:
    """Raise DefinitionError listing every problem (in Vietnamese)."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionError([_("Định nghĩa phải là một đối tượng JSON.")])
    if not str(data.get("version") or "").strip():
        errors.append(_("Thiếu phiên bản (version)."))
    grades = data.get("grades")
    if not isinstance(grades, list) or not grades:
        errors.append(_("Thiếu thang xếp loại (grades)."))
    else:
        mins = []
        for band in grades:
            if not isinstance(band, dict) or not {"min", "code", "label"} <= band.keys():
                errors.append(_("Mỗi mức xếp loại cần min, code và label."))
                continue
            value = _number(band["min"], _("Mức xếp loại %s") % band["code"], errors)
            if value is not None:
                mins.append(value)
        if mins and min(mins) != 0:
            errors.append(_("Thang xếp loại phải bắt đầu từ 0 điểm."))
    groups = data.get("groups")
    if not isinstance(groups, list) or not groups:
        errors.append(_("Thiếu các nhóm chỉ số (groups)."))
        groups = []
    seen: set[str] = set()
    for group in groups:
        _check_group(group, seen, errors)
    if errors:
        raise DefinitionError(errors)


def _check_group(group, seen: set[str], errors: list[str]) -> None:
    if not isinstance(group, dict) or not {"code", "name", "max", "components"} <= group.keys():
        errors.append(_("Mỗi nhóm cần code, name, max và components."))
        return
    where = _("Nhóm %s") % group["code"]
    maximum = _number(group["max"], where, errors)
    total = Decimal(0)
    for c in group["components"] or []:
        if not isinstance(c, dict) or not {"code", "name", "max", "kind"} <= c.keys():
            errors.append(_("%s: mỗi chỉ số thành phần cần code, name, max và kind.") % where)
            continue
        cwhere = _("Chỉ số %s") % c["code"]
        if c["code"] in seen:
            errors.append(_("%s: mã bị trùng.") % cwhere)
        seen.add(c["code"])
        if c["kind"] not in KINDS:
            errors.append(_("%(where)s: công thức %(kind)r không được hỗ trợ (chỉ có: %(known)s).")
                          % {"where": cwhere, "kind": c["kind"], "known": ", ".join(KINDS)})
        for option in KIND_OPTIONS.get(c["kind"], ()):
            if option not in c:
                errors.append(_("%(where)s: công thức cần tham số %(option)s.")
                              % {"where": cwhere, "option": option})
            elif (value := _number(c[option], cwhere, errors)) is not None and value == 0:
                errors.append(_("%(where)s: %(option)s phải lớn hơn 0.")
                              % {"where": cwhere, "option": option})
        total += _number(c["max"], cwhere, errors) or 0
    if maximum is not None and total != maximum:
        errors.append(_("%(where)s: tổng điểm các chỉ số thành phần (%(total)s) khác điểm tối đa "
                        "của nhóm (%(max)s).") % {"where": where, "total": total, "max": maximum})
