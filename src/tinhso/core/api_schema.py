"""The API's error answers, declared once for every operation of the OpenAPI schema.

Every error the API gives has one body (`core.api_errors`): {"code", "message", "details"}.
Which errors an operation can answer follows from how DRF handles any request, so they are
added here rather than on each view: a client (and a schema fuzzer) can rely on the schema
listing every status it may get.
"""

from __future__ import annotations

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "Lỗi: mã máy đọc và thông báo tiếng Việt.",
    "properties": {
        "code": {"type": "string", "description": "Mã lỗi máy đọc, ví dụ not_found."},
        "message": {"type": "string", "description": "Thông báo lỗi bằng tiếng Việt."},
        "details": {"description": "Lỗi theo từng trường dữ liệu, nếu có."},
    },
    "required": ["code", "message"],
}

# Status -> (when it applies, description).
_ALWAYS, _WITH_PATH, _WITH_INPUT, _WITH_BODY = "always", "path", "input", "body"
STANDARD_ERRORS = {
    "400": (_WITH_INPUT, "Dữ liệu hoặc tham số gửi lên không hợp lệ."),
    # Any request may carry a wrong, expired or revoked token.
    "401": (_ALWAYS, "Thông tin xác thực không đúng, đã hết hạn hoặc đã bị thu hồi."),
    # A privileged official who has not confirmed the second factor, or no permission.
    "403": (_ALWAYS, "Không có quyền, hoặc cần xác nhận mã OTP trước."),
    "404": (_WITH_PATH, "Không tìm thấy trong phạm vi được xem."),
    "413": (_WITH_BODY, "Dữ liệu gửi lên vượt quá giới hạn kích thước."),
    "415": (_WITH_BODY, "Kiểu dữ liệu gửi lên không được hỗ trợ."),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: declare the standard errors on every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            applies = _situations(method, operation)
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():  # a view's own error, declared bare
                if status[0] in "45" and "content" not in response:
                    response["content"] = {"application/json": {"schema": ref}}
            for status, (situation, description) in STANDARD_ERRORS.items():
                if situation in applies and status not in responses:
                    responses[status] = {"description": description,
                                         "content": {"application/json": {"schema": ref}}}
    return result


def _situations(method: str, operation: dict) -> set[str]:
    parameters = operation.get("parameters", [])
    applies = {_ALWAYS}
    # DRF's page number pagination answers 404 for a page past the end.
    if any(p.get("in") == "path" or p.get("name") == "page" for p in parameters):
        applies.add(_WITH_PATH)
    if any(p.get("in") in {"query", "header"} for p in parameters):
        applies.add(_WITH_INPUT)
    if method in {"post", "put", "patch"}:
        applies |= {_WITH_INPUT, _WITH_BODY}
    return applies
