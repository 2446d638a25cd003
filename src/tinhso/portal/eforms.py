"""E-forms on the papers step: the posted inputs read into a form's data, and the data laid
out as inputs for the template (portal/_eform_field.html). The rules are the catalogue's
(catalog.forms_schema); this module only names inputs and fills them.

Input names: ``form-<component>-<field>``; an address ``…-detail`` and ``…-unit``; a group's
row ``form-<component>-<group>-<row>-<field>`` with ``form-<component>-<group>-rows`` the
number of rows shown. Buttons ``add-row`` (value: the group's name) and ``remove-row``
(value: the row's name) add and remove a row without JavaScript.
"""

from __future__ import annotations

from datetime import datetime

from tinhso.catalog import forms_schema

MAX_ROWS = 100


def base(component_id: int) -> str:
    return f"form-{component_id}"


def read(form: dict, post, component_id: int) -> dict:
    """The form's data from a POST (blank rows of a group dropped, a removed row left out)."""
    removed = post.get("remove-row", "")

    def fields(items, prefix):
        out = {}
        for field in items:
            key = f"{prefix}-{field['name']}"
            if field["type"] == "group":
                try:
                    count = min(int(post.get(f"{key}-rows", "0")), MAX_ROWS)
                except ValueError:
                    count = 0
                rows = [fields(field["fields"], f"{key}-{i}") for i in range(count)
                        if f"{key}-{i}" != removed]
                out[field["name"]] = [row for row in rows if not forms_schema.is_blank(row)]
            elif field["type"] == "address":
                out[field["name"]] = {"detail": post.get(f"{key}-detail", "").strip(),
                                      "unit": post.get(f"{key}-unit", "").strip()}
            else:
                out[field["name"]] = post.get(key, "").strip()
        return out

    return fields(form["fields"], base(component_id))


def _date_input(value) -> str:
    """An <input type=date> takes yyyy-mm-dd; a typed dd/mm/yyyy is shown that way."""
    text = str(value or "")
    try:
        return datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    except ValueError:
        return text


def layout(form: dict, values: dict, errors: dict, component_id: int, *,
           added: str = "", communes: dict | None = None) -> list[dict]:
    """One dict per field for the template: id (also the input's name), label, value,
    error, hint, choices; a group with its rows, one more when `added` names it."""
    if communes is None:
        communes = (forms_schema.province_communes()
                    if forms_schema.uses_units(form["fields"]) else {})
    unit_choices = sorted(communes.items(), key=lambda item: item[1])

    def build(fields, vals, prefix, path_prefix):
        out = []
        labels = {f["name"]: f["label"] for f in fields}
        for field in fields:
            key, path = f"{prefix}-{field['name']}", f"{path_prefix}{field['name']}"
            rule = field.get("required_if")
            other = rule.get("field") if isinstance(rule, dict) else rule
            item = {"id": key, "type": field["type"], "label": field["label"],
                    "help": field.get("help", ""), "required": bool(field.get("required")),
                    "required_if": labels.get(other, "") if other else "",
                    "required_if_value": rule.get("equals", "") if isinstance(rule, dict)
                    else "",
                    "error": errors.get(path, ""), "multiline": field.get("multiline", False)}
            # What a screen reader reads with the input: its hint, its condition, its error.
            item["describedby"] = " ".join(
                f"{key}-{part}" for part, shown in (("help", item["help"]),
                                                    ("cond", item["required_if"]),
                                                    ("error", item["error"])) if shown)
            value = (vals or {}).get(field["name"])
            if field["type"] == "group":
                rows = value if isinstance(value, list) else []
                high = field.get("max_items", 20)
                count = max(len(rows), field.get("min_items", 0), 1)
                if added == key:
                    count += 1
                count = min(count, high)
                item["rows"] = [
                    {"id": f"{key}-{i}", "number": i + 1,
                     "fields": build(field["fields"], rows[i] if i < len(rows) else {},
                                     f"{key}-{i}", f"{path}.{i}.")}
                    for i in range(count)]
                item["count"] = count
                item["can_add"] = count < high
            elif field["type"] == "address":
                value = value if isinstance(value, dict) else {}
                item["detail"] = value.get("detail", "")
                item["unit"] = value.get("unit", "")
                item["choices"] = unit_choices
            else:
                item["value"] = _date_input(value) if field["type"] == "date" else (
                    "" if value is None else str(value))
                if field["type"] == "choice":
                    item["choices"] = [(c, c) for c in field["choices"]]
                elif field["type"] == "unit":
                    item["choices"] = unit_choices
            out.append(item)
        return out

    return build(form["fields"], values, base(component_id), "")
